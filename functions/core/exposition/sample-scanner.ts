import { HASH, OPEN_BRACE, SPACE, TAB, isMetricNameChar, isMetricNameStart } from './chars.ts';
import type { Cursor } from './cursor.ts';
import { fail } from './cursor.ts';
import type { FamilyState, FamilyTable } from './families.ts';
import { Role } from './families.ts';
import { LabelScanner } from './label-scanner.ts';
import { parseFloatToken, parseIntegerToken, parseSecondsToken } from './numbers.ts';
import { StringTable, hashStep } from './string-table.ts';
import { emptyLabels } from './label-set.ts';
import type { Exemplar, Sample } from './types.ts';

/** OpenMetrics caps an exemplar's label set at 128 UTF-8 characters (names and values together). */
const EXEMPLAR_LABEL_CHARS = 128;

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++;
  return n;
}

/**
 * The exact scanner for sample lines: it takes every line the byte fast path declines (blanks,
 * escapes, exemplars, OpenMetrics fractional timestamps, non-ASCII bodies) and owns every sample
 * error message and position. It works on offsets into the whole input, never splits lines, and reuses
 * strings from the previous line, so it too stays linear and allocation-light.
 */
export class SampleScanner {
  private readonly text: string;
  private lastName = '';
  private lastState: FamilyState | undefined;
  private lastRole: number = Role.Plain;
  private readonly metricNames = new StringTable(10);
  private readonly labels: LabelScanner;

  constructor(
    private readonly cursor: Cursor,
    private readonly table: FamilyTable,
    private readonly om: boolean,
  ) {
    this.text = cursor.text;
    this.labels = new LabelScanner(cursor, om);
  }

  /** Forgets the previous line's family; metadata lines may change which family a name belongs to. */
  reset(): void {
    this.lastName = '';
    this.lastState = undefined;
  }

  /** Scans the sample in `[start, end)`, where `end` is the index of the line feed or the input length. */
  scan(start: number, end: number): void {
    const text = this.text;
    const om = this.om;
    let p = start;
    let name = this.lastName;
    let state = this.lastState;
    let role = this.lastRole;
    let c: number;
    if (state !== undefined && text.startsWith(name, p) && !isMetricNameChar((c = text.charCodeAt(p + name.length)))) {
      p += name.length;
    } else {
      c = text.charCodeAt(p);
      if (!isMetricNameStart(c)) fail(this.cursor, p, 'invalid metric name');
      let hash = 0;
      do {
        hash = hashStep(hash, c);
        c = text.charCodeAt(++p);
      } while (isMetricNameChar(c));
      name = this.metricNames.intern(text, start, p, hash);
      state = this.table.resolveSample(name, start);
      role = this.table.role;
      this.lastName = name;
      this.lastState = state;
      this.lastRole = role;
    }
    if (!om) {
      const nameEnd = p;
      while (isBlank(c)) c = text.charCodeAt(++p);
      if (p === nameEnd && c !== OPEN_BRACE && p < end) fail(this.cursor, p, 'invalid character in metric name');
    } else if (c !== OPEN_BRACE && c !== SPACE && p < end) {
      fail(this.cursor, p, 'invalid character in metric name');
    }
    let labels: Record<string, string>;
    if (c === OPEN_BRACE && p < end) {
      const special = role === Role.Bucket ? 'le' : role === Role.Quantile ? 'quantile' : '';
      this.labels.specialPos = -1;
      labels = this.labels.scan(p + 1, end, special);
      if (special !== '') this.checkSpecial(labels, special, p);
      p = this.labels.end.pos;
      c = text.charCodeAt(p);
      if (!om) {
        while (isBlank(c)) c = text.charCodeAt(++p);
      }
    } else {
      labels = emptyLabels();
      if (role === Role.Bucket || role === Role.Quantile) this.checkSpecial(labels, role === Role.Bucket ? 'le' : 'quantile', p);
    }
    if (om) {
      if (c !== SPACE || p >= end) fail(this.cursor, p, p >= end ? 'missing value' : 'expected a single space before the value');
      c = text.charCodeAt(++p);
    }
    if (p >= end) fail(this.cursor, p, 'missing value');
    const valueStart = p;
    while (p < end && !isBlank(c)) c = text.charCodeAt(++p);
    const value = parseFloatToken(text, valueStart, p);
    if (value === undefined) fail(this.cursor, valueStart, 'invalid value: expected a float, "NaN", "+Inf" or "-Inf"');
    if (p >= end) {
      state.family.samples.push({ name, labels, value } satisfies Sample);
      return;
    }
    if (om) {
      this.scanOpenMetricsTail(p, end, name, labels, value, state, role);
      return;
    }
    while (isBlank(c)) c = text.charCodeAt(++p);
    if (p >= end) {
      state.family.samples.push({ name, labels, value } satisfies Sample);
      return;
    }
    const tsStart = p;
    while (p < end && !isBlank(c)) c = text.charCodeAt(++p);
    const timestamp = parseIntegerToken(text, tsStart, p);
    if (timestamp === undefined) fail(this.cursor, tsStart, 'invalid timestamp: expected integer milliseconds');
    while (isBlank(c)) c = text.charCodeAt(++p);
    if (p < end) fail(this.cursor, p, 'unexpected content after the timestamp');
    state.family.samples.push({ name, labels, value, timestamp } satisfies Sample);
  }

  /** OpenMetrics after the value: `[SP timestamp] [SP # SP {labels} SP value [SP timestamp]]`, single spaces only. */
  private scanOpenMetricsTail(p: number, end: number, name: string, labels: Record<string, string>, value: number, state: FamilyState, role: number): void {
    const text = this.text;
    if (text.charCodeAt(p) !== SPACE) fail(this.cursor, p, 'expected a single space after the value');
    p++;
    let timestamp: number | undefined;
    if (text.charCodeAt(p) !== HASH || p >= end) {
      const tsStart = p;
      while (p < end && text.charCodeAt(p) !== SPACE) p++;
      timestamp = parseSecondsToken(text, tsStart, p);
      if (timestamp === undefined) fail(this.cursor, tsStart, 'invalid timestamp: expected finite float seconds');
      if (p < end) {
        if (text.charCodeAt(p + 1) !== HASH || p + 1 >= end) fail(this.cursor, p, 'unexpected content after the timestamp');
        p++;
      }
    }
    const sample: Sample = timestamp === undefined ? { name, labels, value } : { name, labels, value, timestamp };
    if (p < end) {
      if (role !== Role.Total && role !== Role.Bucket) {
        fail(this.cursor, p, 'exemplars are only allowed on counter _total and histogram _bucket samples');
      }
      sample.exemplar = this.scanExemplar(p, end);
    }
    state.family.samples.push(sample);
  }

  /** `# {labels} value [timestamp]` starting at the `#`. */
  private scanExemplar(p: number, end: number): Exemplar {
    const text = this.text;
    if (text.charCodeAt(p + 1) !== SPACE || text.charCodeAt(p + 2) !== OPEN_BRACE || p + 2 >= end) {
      fail(this.cursor, p, 'expected "# {" to start an exemplar');
    }
    const labels = this.labels.scan(p + 3, end, '');
    let size = 0;
    for (const key of Object.keys(labels)) size += codePoints(key) + codePoints(labels[key]!);
    if (size > EXEMPLAR_LABEL_CHARS) fail(this.cursor, p + 2, `exemplar labels exceed ${EXEMPLAR_LABEL_CHARS} characters`);
    p = this.labels.end.pos;
    if (text.charCodeAt(p) !== SPACE || p >= end) fail(this.cursor, p, 'expected a single space before the exemplar value');
    const valueStart = ++p;
    while (p < end && text.charCodeAt(p) !== SPACE) p++;
    const value = parseFloatToken(text, valueStart, p);
    if (value === undefined) fail(this.cursor, valueStart, 'invalid exemplar value');
    if (p >= end) return { labels, value };
    const tsStart = ++p;
    while (p < end && text.charCodeAt(p) !== SPACE) p++;
    const timestamp = parseSecondsToken(text, tsStart, p);
    if (timestamp === undefined) fail(this.cursor, tsStart, 'invalid exemplar timestamp');
    if (p < end) fail(this.cursor, p, 'unexpected content after the exemplar');
    return { labels, value, timestamp };
  }

  private checkSpecial(labels: Record<string, string>, special: string, bracePos: number): void {
    const raw = Object.hasOwn(labels, special) ? labels[special] : undefined;
    if (raw === undefined) fail(this.cursor, bracePos, `missing "${special}" label`);
    if (parseFloatToken(raw, 0, raw.length) === undefined) {
      fail(this.cursor, this.labels.specialPos, `invalid "${special}" label value: expected a float`);
    }
  }
}
