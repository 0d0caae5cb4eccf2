/**
 * Character classes for the exposition scanner. Lookup tables instead of regexes keep every scan a
 * single forward pass with no backtracking, whatever the input.
 */

export const TAB = 9;
export const LF = 10;
export const SPACE = 32;
export const QUOTE = 34;
export const HASH = 35;
export const PLUS = 43;
export const COMMA = 44;
export const MINUS = 45;
export const DOT = 46;
export const COLON = 58;
export const EQUALS = 61;
export const BACKSLASH = 92;
export const UNDERSCORE = 95;
export const OPEN_BRACE = 123;
export const CLOSE_BRACE = 125;

/** Bit 1: may start a metric name. Bit 2: may continue one. Bit 4: may start a label name. Bit 8: may continue one. */
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const alpha = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === UNDERSCORE;
  const digit = c >= 48 && c <= 57;
  CLASS[c] = (alpha || c === COLON ? 1 : 0) | (alpha || digit || c === COLON ? 2 : 0) | (alpha ? 4 : 0) | (alpha || digit ? 8 : 0);
}

/** `[a-zA-Z_:]`; `NaN` (past the end of the string) and non-ASCII are rejected by the table bounds. */
export function isMetricNameStart(c: number): boolean {
  return c < 128 && (CLASS[c]! & 1) !== 0;
}

/** `[a-zA-Z0-9_:]` */
export function isMetricNameChar(c: number): boolean {
  return c < 128 && (CLASS[c]! & 2) !== 0;
}

/** `[a-zA-Z_]` */
export function isLabelNameStart(c: number): boolean {
  return c < 128 && (CLASS[c]! & 4) !== 0;
}

/** `[a-zA-Z0-9_]` */
export function isLabelNameChar(c: number): boolean {
  return c < 128 && (CLASS[c]! & 8) !== 0;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}
