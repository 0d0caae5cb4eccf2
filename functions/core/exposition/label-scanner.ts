import {
  CLOSE_BRACE, COMMA, EQUALS, QUOTE, SPACE, TAB, isLabelNameChar, isLabelNameStart,
} from './chars.ts';
import type { Cursor } from './cursor.ts';
import { fail } from './cursor.ts';
import type { ScanEnd } from './escapes.ts';
import { scanEscaped } from './escapes.ts';
import { emptyLabels } from './label-set.ts';
import { StringTable, hashStep, internalize } from './string-table.ts';

/** Up to this many labels, duplicates are found by comparing with the names already read on the line. */
const LINEAR_DUPLICATE_CHECK = 16;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/**
 * Scans `{name="value",…}` label sets. Consecutive lines usually repeat most labels at the same
 * position (same job, namespace, pod; only `le` or one label changes), so each label is first compared
 * with the raw text of the label at the same index on the previous line using native `startsWith`,
 * and only a mismatch is scanned character by character and interned. Values are delimited with
 * native `indexOf`; a cached "next backslash" offset sends escaped values to the slow path.
 */
export class LabelScanner {
  /** Just past the closing `}` after `scan`; and where the `special` label's value opened (its quote). */
  readonly end: ScanEnd = { pos: 0 };
  specialPos = -1;
  private readonly text: string;
  private readonly names = new StringTable(10);
  private readonly values = new StringTable(14);
  /** Previous line, per label index: `name="` when written without blanks, the name, the value when unescaped. */
  private readonly prevOpen: Array<string | undefined> = [];
  private readonly prevName: string[] = [];
  private readonly prevValue: Array<string | undefined> = [];
  /** Names on the current line, for the duplicate check. */
  private readonly lineNames: string[] = [];
  private nextBackslash = -1;

  constructor(
    private readonly cursor: Cursor,
    private readonly om: boolean,
  ) {
    this.text = cursor.text;
  }

  /**
   * Label set from just after `{` up to `end` (the line feed). Text allows blanks around every token
   * and a trailing comma, like expfmt; OpenMetrics allows neither. `special` names the label whose
   * value position to record (`le`, `quantile`) or is empty.
   */
  scan(p: number, end: number, special: string): Record<string, string> {
    const text = this.text;
    const om = this.om;
    const prevOpen = this.prevOpen;
    const prevValue = this.prevValue;
    const labels: Record<string, string> = emptyLabels();
    let c = text.charCodeAt(p);
    if (!om) {
      while (isBlank(c)) c = text.charCodeAt(++p);
    }
    if (c === CLOSE_BRACE) {
      this.end.pos = p + 1;
      return labels;
    }
    for (let k = 0; ; k++) {
      const nameStart = p;
      let name: string;
      const open = prevOpen[k];
      if (open !== undefined && text.startsWith(open, p)) {
        name = this.prevName[k]!;
        p += open.length;
      } else {
        name = this.scanName(p, end, k);
        p = this.end.pos;
      }
      const valueStart = p;
      const previous = prevValue[k];
      let value: string;
      // The previous value followed by a quote is this value: it holds no quote or backslash itself.
      if (previous !== undefined && text.charCodeAt(p + previous.length) === QUOTE && text.startsWith(previous, p)) {
        value = previous;
        p += previous.length;
      } else {
        value = this.scanValue(p, end, k);
        p = this.end.pos;
      }
      this.add(labels, name, value, k, nameStart);
      if (special !== '' && name === special) this.specialPos = valueStart - 1;
      c = text.charCodeAt(++p);
      if (!om) {
        while (isBlank(c)) c = text.charCodeAt(++p);
      }
      if (c === COMMA) {
        c = text.charCodeAt(++p);
        if (!om) {
          while (isBlank(c)) c = text.charCodeAt(++p);
          if (c === CLOSE_BRACE) {
            this.end.pos = p + 1;
            return labels;
          }
        }
        continue;
      }
      if (c === CLOSE_BRACE) {
        this.end.pos = p + 1;
        return labels;
      }
      fail(this.cursor, p, 'expected "," or "}" after the label value');
    }
  }

  /** Value from just after its opening quote; leaves `end.pos` on the closing quote. */
  private scanValue(p: number, end: number, k: number): string {
    const text = this.text;
    const close = text.indexOf('"', p);
    if (this.nextBackslash < p && this.nextBackslash !== -2) {
      this.nextBackslash = text.indexOf('\\', p);
      if (this.nextBackslash === -1) this.nextBackslash = -2;
    }
    if (close === -1 || close >= end || (this.nextBackslash >= 0 && this.nextBackslash < close)) {
      this.prevValue[k] = undefined;
      return scanEscaped(this.cursor, p, end, true, true, this.end);
    }
    const value = this.values.intern(text, p, close, sampleHash(text, p, close));
    this.prevValue[k] = value;
    this.end.pos = close;
    return value;
  }

  /** Full scan of `name = "` from `p`; leaves `end.pos` just past the opening quote. */
  private scanName(p: number, end: number, k: number): string {
    const text = this.text;
    const start = p;
    let c = text.charCodeAt(p);
    // Past `end` sits a line feed or NaN, which no character class accepts: no bounds check needed.
    if (!isLabelNameStart(c)) fail(this.cursor, p, 'invalid label name');
    let hash = 0;
    do {
      hash = hashStep(hash, c);
      c = text.charCodeAt(++p);
    } while (isLabelNameChar(c));
    const name = this.names.intern(text, start, p, hash);
    if (name === '__name__') fail(this.cursor, start, 'label name "__name__" is reserved');
    const nameEnd = p;
    if (!this.om) {
      while (isBlank(c)) c = text.charCodeAt(++p);
    }
    if (c !== EQUALS) fail(this.cursor, p, 'expected "=" after the label name');
    c = text.charCodeAt(++p);
    if (!this.om) {
      while (isBlank(c)) c = text.charCodeAt(++p);
    }
    if (c !== QUOTE || p >= end) fail(this.cursor, p, 'expected \'"\' to open the label value');
    p++;
    this.prevOpen[k] = p - nameEnd === 2 ? internalize(`${name}="`) : undefined;
    this.prevName[k] = name;
    this.end.pos = p;
    return name;
  }

  private add(labels: Record<string, string>, name: string, value: string, k: number, nameStart: number): void {
    const seen = this.lineNames;
    if (k < LINEAR_DUPLICATE_CHECK) {
      for (let j = 0; j < k; j++) {
        if (seen[j] === name) fail(this.cursor, nameStart, `duplicate label name "${name}"`);
      }
      seen[k] = name;
    } else if (Object.hasOwn(labels, name)) {
      fail(this.cursor, nameStart, `duplicate label name "${name}"`);
    }
    if (name.length === 9 && name === '__proto__') {
      // A plain assignment would set the prototype instead of adding a label.
      Object.defineProperty(labels, name, { value, enumerable: true, writable: true, configurable: true });
    } else {
      labels[name] = value;
    }
  }
}

/** Cheap hash from the length, ends and middle: enough to spread label values over the intern table. */
function sampleHash(text: string, start: number, end: number): number {
  const length = end - start;
  let hash = length;
  if (length === 0) return hash;
  hash = hashStep(hash, text.charCodeAt(start));
  hash = hashStep(hash, text.charCodeAt(start + (length >> 1)));
  for (let i = end - 1, stop = Math.max(start + 1, end - 6); i >= stop; i--) hash = hashStep(hash, text.charCodeAt(i));
  return hash;
}
