import { readFile } from 'node:fs/promises';
import type { Config } from './schema.ts';
import { ConfigError } from '../platform/errors.ts';
import { hasDuplicateKey, validateConfig } from './validate.ts';

export { formatIssues } from './validate.ts';

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

/** Config text (YAML or JSON) as data, not yet validated; throws ConfigError if it is neither. */
export async function parseConfigText(text: string, source = 'config'): Promise<unknown> {
  try {
    return await parseText(text);
  } catch (err) {
    throw new ConfigError(`${source}: not valid YAML or JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}

/**
 * Parses config text (YAML, which also reads JSON) and validates it; throws ConfigError naming every bad path.
 * JSON text is read without loading the YAML parser.
 */
export async function parseConfig(text: string, source = 'config'): Promise<Config> {
  return validateConfig(await parseConfigText(text, source), source);
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
