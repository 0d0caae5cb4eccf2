/** One step of a JSON path: an object key or an array index. */
export type JsonPathSegment = string | number;

export type ParsedJsonPath = { ok: true; segments: JsonPathSegment[] } | { ok: false; error: string };

/** Longest path accepted, and most segments: a health check reads a few levels deep, never more. */
export const JSON_PATH_LIMITS = { chars: 256, segments: 32 } as const;

const NAME = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

/**
 * A deliberately small JSON path: `$.status`, `checks[0].ok`, `$["key.with.dots"]`, `data['x']`. No wildcards,
 * filters or recursion — a check asserts one value, and a full JSONPath library would be a larger attack surface
 * (and bundle) than the 60 lines it replaces. The leading `$` is optional.
 */
export function parseJsonPath(path: string): ParsedJsonPath {
  if (path.length === 0 || path.length > JSON_PATH_LIMITS.chars) return { ok: false, error: `a JSON path has 1 to ${JSON_PATH_LIMITS.chars} characters` };
  const segments: JsonPathSegment[] = [];
  let i = path.startsWith('$') ? 1 : 0;
  let first = true;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '[') {
      const rest = path.slice(i);
      const index = /^\[(\d{1,9})\]/.exec(rest);
      const quoted = /^\[(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\]/.exec(rest);
      if (index) segments.push(Number(index[1]));
      else if (quoted) segments.push((quoted[1] ?? quoted[2] ?? '').replace(/\\(.)/g, '$1'));
      else return { ok: false, error: `expected [index] or ["key"] at character ${i + 1}` };
      i += (index ?? quoted)![0].length;
    } else {
      const start = ch === '.' ? i + 1 : first && i === 0 ? i : -1;
      if (start < 0) return { ok: false, error: `expected . or [ at character ${i + 1}` };
      const name = NAME.exec(path.slice(start));
      if (!name) return { ok: false, error: `expected a key name at character ${start + 1}` };
      segments.push(name[0]);
      i = start + name[0].length;
    }
    first = false;
    if (segments.length > JSON_PATH_LIMITS.segments) return { ok: false, error: `a JSON path has at most ${JSON_PATH_LIMITS.segments} segments` };
  }
  if (segments.length === 0) return { ok: false, error: 'a JSON path names at least one key or index' };
  return { ok: true, segments };
}

/** Follows `segments` through parsed JSON; own keys only, so `__proto__` or `constructor` never resolve to built-ins. */
export function lookupJsonPath(root: unknown, segments: readonly JsonPathSegment[]): { found: true; value: unknown } | { found: false } {
  let current: unknown = root;
  for (const seg of segments) {
    if (typeof seg === 'number') {
      if (!Array.isArray(current) || seg >= current.length) return { found: false };
      current = current[seg];
    } else {
      if (current === null || typeof current !== 'object' || Array.isArray(current) || !Object.hasOwn(current, seg)) return { found: false };
      current = (current as Record<string, unknown>)[seg];
    }
  }
  return { found: true, value: current };
}
