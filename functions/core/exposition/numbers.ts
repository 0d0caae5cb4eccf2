import { DOT, MINUS, PLUS, isDigit } from './chars.ts';

/**
 * Number grammar shared by both formats (Go's `strconv.ParseFloat` as used by expfmt, minus hex and
 * underscores; the OpenMetrics `realnumber`):
 * `[+-]? (digits [. digits*] | . digits) ([eE] [+-]? digits)?`, `[+-]?(inf|infinity)` and `nan`,
 * case-insensitive. `Number()` alone is too lenient (`""`, `0x1f`, `Infinity`, surrounding spaces).
 */

/**
 * Value of the all-digit token `text[start, end)` of at most 15 digits (exact in a double), or -1.
 * Digits are summed in two int32 chunks (the last 9 digits and the rest) so the loop stays in
 * small-integer arithmetic, which is markedly faster than accumulating a double per digit.
 */
export function parseDigits(text: string, start: number, end: number): number {
  const length = end - start;
  if (length <= 0 || length > 15) return -1;
  const split = length > 9 ? end - 9 : start;
  let high = 0;
  for (let i = start; i < split; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    high = high * 10 + d;
  }
  let low = 0;
  for (let i = split; i < end; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    low = low * 10 + d;
  }
  return split === start ? low : high * 1e9 + low;
}

function matchesWord(text: string, start: number, end: number, word: string): boolean {
  if (end - start !== word.length) return false;
  for (let i = 0; i < word.length; i++) {
    if ((text.charCodeAt(start + i) | 0x20) !== word.charCodeAt(i)) return false;
  }
  return true;
}

/**
 * Parses the float token `text[start, end)`. Returns `undefined` when the token is not a number or
 * overflows a double (Go reports a range error there, so we do not turn `1e999` into +Inf).
 */
export function parseFloatToken(text: string, start: number, end: number): number | undefined {
  const whole = parseDigits(text, start, end);
  if (whole >= 0) return whole;
  let i = start;
  let c = text.charCodeAt(i);
  const signed = c === PLUS || c === MINUS;
  if (signed) c = text.charCodeAt(++i);
  if (i >= end) return undefined;
  if (!isDigit(c) && c !== DOT) {
    if (matchesWord(text, i, end, 'inf') || matchesWord(text, i, end, 'infinity')) {
      return text.charCodeAt(start) === MINUS ? -Infinity : Infinity;
    }
    return !signed && matchesWord(text, i, end, 'nan') ? NaN : undefined;
  }
  let digits = 0;
  while (i < end && isDigit(text.charCodeAt(i))) { i++; digits++; }
  if (i < end && text.charCodeAt(i) === DOT) {
    i++;
    while (i < end && isDigit(text.charCodeAt(i))) { i++; digits++; }
  }
  if (digits === 0) return undefined;
  if (i < end && (text.charCodeAt(i) | 0x20) === 101) {
    i++;
    c = text.charCodeAt(i);
    if (c === PLUS || c === MINUS) i++;
    const expStart = i;
    while (i < end && isDigit(text.charCodeAt(i))) i++;
    if (i === expStart) return undefined;
  }
  if (i !== end) return undefined;
  const v = Number(text.slice(start, end));
  return Number.isFinite(v) ? v : undefined;
}

/** Text-format timestamp: `[+-]?digits` milliseconds, limited to safe integers. */
export function parseIntegerToken(text: string, start: number, end: number): number | undefined {
  const whole = parseDigits(text, start, end);
  if (whole >= 0) return whole;
  let i = start;
  const c = text.charCodeAt(i);
  if (c === PLUS || c === MINUS) i++;
  if (i >= end) return undefined;
  for (let j = i; j < end; j++) {
    if (!isDigit(text.charCodeAt(j))) return undefined;
  }
  const v = Math.abs(Number(text.slice(i, end)));
  if (!Number.isSafeInteger(v)) return undefined;
  return c === MINUS && v !== 0 ? -v : v;
}

/** OpenMetrics timestamp: float seconds, finite, rounded to whole milliseconds (float error would otherwise leak in). */
export function parseSecondsToken(text: string, start: number, end: number): number | undefined {
  const seconds = parseFloatToken(text, start, end);
  if (seconds === undefined || !Number.isFinite(seconds)) return undefined;
  const ms = Math.round(seconds * 1000);
  return Number.isSafeInteger(ms) ? ms : undefined;
}
