import * as z from 'zod';
import { resolveThresholds } from '../core/heuristics/thresholds.ts';
import { ConfigError } from '../platform/errors.ts';

/*
 * Config validation against a given schema, without the YAML parser and without importing one: validate.ts
 * applies it to the whole config, config-view.ts to a Lambda's view, so that Lambda's bundle carries only its schema.
 */

/** Formats zod issues as `path: reason` lines, so a bad config names the bad path. */
export function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => `${issue.path.length ? issue.path.join('.') : '(root)'}: ${issue.message}`)
    .join('\n');
}

/**
 * Finds a key that appears twice in one object of JSON text (already known to be valid JSON). `JSON.parse` keeps
 * the last one silently, whereas the YAML parser refuses it ("Map keys must be unique"); both loaders refuse it.
 */
export function hasDuplicateKey(json: string): boolean {
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

/** Validates parsed config data with `schema`; throws ConfigError naming every bad path. */
export function validateConfigWith<T extends { thresholds: Record<string, number> }>(schema: z.ZodType<T>, raw: unknown, source = 'config'): T {
  const result = schema.safeParse(raw ?? {});
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

/**
 * Parses and validates config given as JSON text (what the AWS functions read from SSM). Anything else, YAML
 * included, is refused with the command that converts it; a key given twice is refused as the YAML loader does.
 */
export function parseJsonConfigWith<T extends { thresholds: Record<string, number> }>(schema: z.ZodType<T>, text: string, source = 'config'): T {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    // No cause: a JSON.parse message quotes the text it choked on.
    throw new ConfigError(`${source}: not JSON (on AWS the config is stored as JSON: convert a YAML file with \`npx pooler-watch config-json --config FILE\`)`);
  }
  if (hasDuplicateKey(text)) throw new ConfigError(`${source}: not valid JSON config: a key appears twice in one object`);
  return validateConfigWith(schema, raw, source);
}
