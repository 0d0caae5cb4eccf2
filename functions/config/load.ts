import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { Config } from './schema.ts';
import { ConfigError } from '../platform/errors.ts';
import { resolveThresholds } from '../core/heuristics/thresholds.ts';

/** Formats zod issues as `path: reason` lines, so a bad config names the bad path. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('\n');
}

/** Parses config text (YAML, which also reads JSON) and validates it; throws ConfigError naming every bad path. */
export function parseConfig(text: string, source = 'config'): Config {
  let raw: unknown;
  try {
    raw = parseYaml(text, { maxAliasCount: 100 });
  } catch (err) {
    throw new ConfigError(`${source}: not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
  const result = Config.safeParse(raw ?? {});
  if (!result.success) throw new ConfigError(`${source}: invalid config\n${formatIssues(result.error)}`);
  try {
    // Thresholds are a plain record in the schema (their keys live with the heuristics); check them here, at load.
    resolveThresholds(result.data.thresholds);
  } catch (err) {
    if (!(err instanceof z.ZodError)) throw err;
    const issues = err.issues.map((i) => ({ ...i, path: ['thresholds', ...i.path] }));
    throw new ConfigError(`${source}: invalid config\n${formatIssues(new z.ZodError(issues))}`);
  }
  return result.data;
}

export async function loadConfig(path: string): Promise<Config> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read config (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  return parseConfig(text, path);
}
