import { isSensitiveKey } from './keys.ts';
import { REDACTED } from './marker.ts';

/** Nesting beyond this is replaced by `[truncated]`: payloads are shallow, hostile ones are not. */
const MAX_DEPTH = 64;

/**
 * A copy of a JSON-like value with every string (object keys too) passed through `text`. String values under a
 * credential-named key (`password`, `authorization`, `api_key`, ...) become `<redacted>` whatever they look like.
 * Objects with `toJSON` (Date, Secret) are copied as what they serialize to; cycles become `[circular]`.
 */
export function deepSanitize<T>(value: T, text: (s: string) => string): T {
  return walk(value, text, new WeakSet(), 0) as T;
}

function walk(value: unknown, text: (s: string) => string, seen: WeakSet<object>, depth: number): unknown {
  if (typeof value === 'string') return text(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[truncated]';
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return walk(toJSON.call(value), text, seen, depth + 1);
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => walk(item, text, seen, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      out[text(key)] = typeof item === 'string' && isSensitiveKey(key) ? REDACTED : walk(item, text, seen, depth + 1);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
