/**
 * `key=value` metadata as Elixir's Logger console formatter (`$time $metadata[$level] $message`) and logfmt-style
 * formatters print it. Values are:
 * - `"double quoted"` with backslash escapes (logfmt; Elixir quotes nothing, but log shippers often do);
 * - a JSON array or object, `[...]`/`{...}`, read to its balanced end (strings inside may hold spaces): how the
 *   sampler's top lists print, since `Jason.encode!/1` emits no spaces between tokens;
 * - otherwise a bare run up to the next whitespace.
 * Words that are not `key=value` (the time, `[warning]`, the message text) are skipped. The first occurrence of
 * a key wins. Keys are returned in a null-prototype object: `__proto__=` is just another unknown key.
 */
export function parseKeyValues(text: string, maxPairs = 256): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  let pairs = 0;
  let i = 0;
  const n = text.length;
  while (i < n && pairs < maxPairs) {
    while (i < n && isSpace(text.charCodeAt(i))) i++;
    const keyStart = i;
    while (i < n && isKeyChar(text.charCodeAt(i))) i++;
    if (i === keyStart || text.charCodeAt(i) !== 0x3d /* = */ || !isKeyStart(text.charCodeAt(keyStart))) {
      i = skipWord(text, i === keyStart ? i + 1 : i);
      continue;
    }
    const key = text.slice(keyStart, i);
    i++;
    const value = readValue(text, i);
    i = value.end;
    if (!(key in out)) {
      out[key] = value.text;
      pairs++;
    }
  }
  return out;
}

function readValue(text: string, start: number): { text: string; end: number } {
  const c = text.charCodeAt(start);
  if (c === 0x22 /* " */) return readQuoted(text, start);
  if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
    const end = balancedEnd(text, start);
    if (end !== undefined) return { text: text.slice(start, end), end };
  }
  const end = skipWord(text, start);
  return { text: text.slice(start, end), end };
}

function readQuoted(text: string, start: number): { text: string; end: number } {
  let out = '';
  let i = start + 1;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') return { text: out, end: i + 1 };
    if (c === '\\' && i + 1 < text.length) {
      const e = text[i + 1]!;
      out += e === 'n' ? '\n' : e === 't' ? '\t' : e;
      i += 2;
      continue;
    }
    out += c;
    i++;
  }
  // Unterminated: the rest of the line is the value (lenient; validation decides whether it is any good).
  return { text: out, end: i };
}

/** Index just past the bracket matching the one at `start`, skipping JSON strings; undefined if unbalanced. */
function balancedEnd(text: string, start: number): number | undefined {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = start; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (escaped) escaped = false;
      else if (c === 0x5c) escaped = true;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) depth++;
    else if (c === 0x5d || c === 0x7d) {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
}

function skipWord(text: string, i: number): number {
  while (i < text.length && !isSpace(text.charCodeAt(i))) i++;
  return i;
}

const isSpace = (c: number): boolean => c === 0x20 || c === 0x09;
const isKeyStart = (c: number): boolean => (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f;
const isKeyChar = (c: number): boolean => isKeyStart(c) || (c >= 0x30 && c <= 0x39) || c === 0x2e;
