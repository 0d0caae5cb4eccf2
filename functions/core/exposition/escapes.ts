import { BACKSLASH, QUOTE } from './chars.ts';
import type { Cursor } from './cursor.ts';
import { fail } from './cursor.ts';

/** Out-parameter so the hot path gets both the string and where it stopped without allocating a tuple. */
export interface ScanEnd {
  pos: number;
}

/**
 * Decodes an escaped string starting at `start` that contains at least one backslash (the fast path
 * handles the rest). Label values (`quoted`) stop at the closing quote, whose index goes to `out.pos`;
 * HELP text runs to `end`. Escapes are `\\` and `\n`, plus `\"` in label values and in OpenMetrics
 * HELP (expfmt rejects `\"` in text HELP). Anything else after a backslash is invalid.
 */
export function scanEscaped(cursor: Cursor, start: number, end: number, quoted: boolean, allowQuote: boolean, out: ScanEnd): string {
  const text = cursor.text;
  const parts: string[] = [];
  let segment = start;
  let p = start;
  while (p < end) {
    const c = text.charCodeAt(p);
    if (c === QUOTE && quoted) {
      parts.push(text.slice(segment, p));
      out.pos = p;
      return parts.join('');
    }
    if (c === BACKSLASH) {
      parts.push(text.slice(segment, p));
      const next = p + 1 < end ? text.charCodeAt(p + 1) : -1;
      if (next === BACKSLASH) parts.push('\\');
      else if (next === 110) parts.push('\n');
      else if (next === QUOTE && allowQuote) parts.push('"');
      else fail(cursor, p, next === -1 ? 'backslash at end of line' : 'invalid escape sequence');
      p += 2;
      segment = p;
      continue;
    }
    p++;
  }
  if (quoted) fail(cursor, start - 1, 'unterminated label value');
  parts.push(text.slice(segment, end));
  out.pos = end;
  return parts.join('');
}
