import { readFile } from 'node:fs/promises';
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

/**
 * Finds a key that appears twice in one object of JSON text (already known to be valid JSON). `JSON.parse` keeps
 * the last one silently, whereas the YAML parser refuses it ("Map keys must be unique"); such text takes the YAML
 * path so it is refused exactly as before.
 */
function hasDuplicateKey(json: string): boolean {
  const stack: Array<Set<string> | undefined> = [];
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (c === '{') stack.push(new Set());
    else if (c === '[') stack.push(undefined);
    else if (c === '}' || c === ']') stack.pop();
    else if (c === '"') {
      let j = i + 1;
      while (json[j] !== '"') j += json[j] === '\\' ? 2 : 1;
      const keys = stack[stack.length - 1];
      let k = j + 1;
      while (k < json.length && /\s/.test(json[k] ?? '')) k++;
      if (keys && json[k] === ':') {
        const key = JSON.parse(json.slice(i, j + 1)) as string;
        if (keys.has(key)) return true;
        keys.add(key);
      }
      i = j;
    }
  }
  return false;
}

/** Config text as data: JSON through `JSON.parse`, anything else (YAML) through the `yaml` parser, loaded only then. */
async function parseText(text: string): Promise<unknown> {
  try {
    const raw: unknown = JSON.parse(text);
    if (!hasDuplicateKey(text)) return raw;
  } catch {
    // Not JSON: YAML (a superset of JSON) below.
  }
  const { parse: parseYaml } = await import('yaml');
  return parseYaml(text, { maxAliasCount: 100 });
}

/**
 * Parses config text (YAML, which also reads JSON) and validates it; throws ConfigError naming every bad path.
 * JSON text (what SSM often holds) is read without loading the YAML parser.
 */
export async function parseConfig(text: string, source = 'config'): Promise<Config> {
  let raw: unknown;
  try {
    raw = await parseText(text);
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
