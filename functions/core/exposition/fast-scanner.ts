import {
  BACKSLASH, CLOSE_BRACE, COMMA, DOT, EQUALS, LF, OPEN_BRACE, QUOTE, SPACE,
  isDigit, isLabelNameChar, isLabelNameStart, isMetricNameChar, isMetricNameStart,
} from './chars.ts';
import type { ByteText } from './byte-table.ts';
import { ByteTable } from './byte-table.ts';
import type { FamilyState, FamilyTable } from './families.ts';
import { Role } from './families.ts';
import { parseFloatToken } from './numbers.ts';
import { emptyLabels } from './label-set.ts';
import { hashStep } from './string-table.ts';
import type { Sample } from './types.ts';

/** Lines with more labels go to the exact scanner. */
const MAX_LABELS = 64;
/** Integers with more digits than this are not exact when summed as doubles; they take the slow path. */
const MAX_DIGITS = 15;

/**
 * The fast path for the common sample line, on the UTF-8 bytes of an ASCII body:
 * `name{label="value",…} value[ timestamp]\n` with single spaces, no escapes and no exemplar.
 *
 * Consecutive lines mostly repeat the previous line's metric name and most of its labels at the same
 * index, so each is first compared with the bytes last seen there (8 at a time) and reused when equal;
 * only changed labels are scanned and interned. Anything unusual, valid or not, returns -1 and the line
 * goes to the exact scanner, which owns every error message. By then this path has at most resolved
 * the sample's family, which the exact scanner resolves identically; it never throws and never accepts
 * what the exact scanner would reject (a differential property test holds it to that).
 */
export class FastSampleScanner {
  private readonly bytes: Uint8Array;
  private readonly metricNames: ByteTable;
  private readonly labelNames: ByteTable;
  private readonly labelValues: ByteTable;
  private readonly validSpecial = new Set<string>();
  private lastStart = 0;
  private lastLength = 0;
  private lastName = '';
  private lastState: FamilyState | undefined;
  private lastRole: number = Role.Plain;
  /**
   * Per label index, the last `name="value"` scanned there: where it starts, its length (0: none yet),
   * its name length, name and value. Updated in place even on lines that later bail out: every entry
   * is a complete, validated label, so comparing against it stays exact whichever line it came from.
   */
  private readonly knownStart = new Int32Array(MAX_LABELS);
  private readonly knownLength = new Int32Array(MAX_LABELS);
  private readonly knownNameLength = new Int32Array(MAX_LABELS);
  private readonly knownName: string[] = new Array<string>(MAX_LABELS).fill('');
  private readonly knownValue: string[] = new Array<string>(MAX_LABELS).fill('');
  /** Names on the current line, for the duplicate check. */
  private readonly lineNames: string[] = new Array<string>(MAX_LABELS).fill('');
  private labelsEnd = 0;

  constructor(
    private readonly source: ByteText,
    private readonly table: FamilyTable,
    private readonly om: boolean,
  ) {
    this.bytes = source.bytes;
    this.metricNames = new ByteTable(source, 10, false);
    this.labelNames = new ByteTable(source, 10, true);
    this.labelValues = new ByteTable(source, 14, false);
  }

  /** Forgets the previous metric name; metadata lines may change which family it belongs to. */
  reset(): void {
    this.lastLength = 0;
    this.lastState = undefined;
  }

  /** Scans the sample line at `pos`; returns the offset just past its line feed, or -1 for the exact scanner. */
  tryLine(pos: number): number {
    const bytes = this.bytes;
    let p = pos;
    let name = this.lastName;
    let state = this.lastState;
    let role = this.lastRole;
    const known = this.lastLength;
    if (state !== undefined && this.source.equal(p, this.lastStart, known) && !isMetricNameChar(bytes[p + known]!)) {
      p += known;
    } else {
      let c = bytes[p]!;
      if (!isMetricNameStart(c)) return -1;
      let hash = 0;
      do {
        hash = hashStep(hash, c);
        c = bytes[++p]!;
      } while (isMetricNameChar(c));
      name = this.metricNames.intern(pos, p, hash);
      try {
        state = this.table.resolveSample(name, pos);
      } catch {
        return -1;
      }
      role = this.table.role;
      this.lastName = name;
      this.lastStart = pos;
      this.lastLength = p - pos;
      this.lastState = state;
      this.lastRole = role;
    }
    let labels: Record<string, string>;
    if (bytes[p] === OPEN_BRACE) {
      const scanned = this.scanLabels(p + 1);
      if (scanned === undefined) return -1;
      labels = scanned;
      p = this.labelsEnd;
    } else {
      labels = emptyLabels();
    }
    if ((role === Role.Bucket || role === Role.Quantile) && !this.hasValidSpecial(labels, role)) return -1;
    if (bytes[p] !== SPACE) return -1;
    const valueStart = ++p;
    let value = 0;
    let c = bytes[p]!;
    while (isDigit(c)) {
      value = value * 10 + (c - 48);
      c = bytes[++p]!;
    }
    if (p === valueStart || p - valueStart > MAX_DIGITS || (c !== SPACE && c !== LF)) {
      while (p < this.source.length && c !== SPACE && c !== LF) c = bytes[++p]!;
      const parsed = parseFloatToken(this.source.text, valueStart, p);
      if (parsed === undefined) return -1;
      value = parsed;
    }
    let timestamp = -1;
    if (c === SPACE) {
      timestamp = this.scanTimestamp(p + 1);
      if (timestamp < 0) return -1;
      p = this.labelsEnd;
      c = bytes[p]!;
    }
    if (c !== LF || p >= this.source.length) return -1;
    const sample: Sample = timestamp < 0 ? { name, labels, value } : { name, labels, value, timestamp };
    state.family.samples.push(sample);
    return p + 1;
  }

  /** Text: integer milliseconds. OpenMetrics: seconds with up to 3 decimals, converted exactly. -1 otherwise. */
  private scanTimestamp(start: number): number {
    const bytes = this.bytes;
    let p = start;
    let c = bytes[p]!;
    let whole = 0;
    while (isDigit(c)) {
      whole = whole * 10 + (c - 48);
      c = bytes[++p]!;
    }
    // OpenMetrics seconds are scaled by 1000, so they get three digits less to stay exact.
    if (p === start || p - start > (this.om ? MAX_DIGITS - 3 : MAX_DIGITS)) return -1;
    let ms = whole;
    if (this.om) {
      let fraction = 0;
      let scale = 1000;
      if (c === DOT) {
        c = bytes[++p]!;
        while (isDigit(c) && scale > 1) {
          scale /= 10;
          fraction += (c - 48) * scale;
          c = bytes[++p]!;
        }
        if (isDigit(c)) return -1;
      }
      ms = whole * 1000 + fraction;
    }
    this.labelsEnd = p;
    return ms;
  }

  private hasValidSpecial(labels: Record<string, string>, role: number): boolean {
    const raw = role === Role.Bucket ? labels['le'] : labels['quantile'];
    if (raw === undefined) return false;
    if (this.validSpecial.has(raw)) return true;
    if (parseFloatToken(raw, 0, raw.length) === undefined) return false;
    this.validSpecial.add(raw);
    return true;
  }

  /** Labels from just after `{`; sets `labelsEnd` past `}`. Undefined for anything but `name="value"` lists. */
  private scanLabels(start: number): Record<string, string> | undefined {
    const bytes = this.bytes;
    const source = this.source;
    const labels: Record<string, string> = emptyLabels();
    let p = start;
    if (bytes[p] === CLOSE_BRACE) {
      this.labelsEnd = p + 1;
      return labels;
    }
    const knownStart = this.knownStart;
    const knownLength = this.knownLength;
    const knownNameLength = this.knownNameLength;
    const knownName = this.knownName;
    const knownValue = this.knownValue;
    const lineNames = this.lineNames;
    for (let k = 0; k < MAX_LABELS; k++) {
      const labelStart = p;
      let name: string;
      let value: string;
      const known = knownLength[k]!;
      if (known > 0 && bytes[p + known - 1] === QUOTE && source.equal(p, knownStart[k]!, known)) {
        // Byte-identical to the label last seen here, which held no quote or backslash inside.
        name = knownName[k]!;
        value = knownValue[k]!;
        p += known;
      } else {
        let nameLength = knownNameLength[k]!;
        if (known > 0 && bytes[p + nameLength] === EQUALS && source.equal(p, knownStart[k]!, nameLength + 2)) {
          name = knownName[k]!;
          p += nameLength + 2;
        } else {
          let c = bytes[p]!;
          if (!isLabelNameStart(c)) return undefined;
          let hash = 0;
          do {
            hash = hashStep(hash, c);
            c = bytes[++p]!;
          } while (isLabelNameChar(c));
          if (c !== EQUALS || bytes[p + 1] !== QUOTE) return undefined;
          nameLength = p - labelStart;
          name = this.labelNames.intern(labelStart, p, hash);
          if (name === '__name__' || name === '__proto__') return undefined;
          p += 2;
        }
        const valueStart = p;
        const limit = source.length;
        let hash = 0;
        let c = bytes[p]!;
        while (c !== QUOTE) {
          if (c === BACKSLASH || c === LF || p >= limit) return undefined;
          hash = hashStep(hash, c);
          c = bytes[++p]!;
        }
        value = this.labelValues.intern(valueStart, p, hash);
        p++;
        knownStart[k] = labelStart;
        knownLength[k] = p - labelStart;
        knownNameLength[k] = nameLength;
        knownName[k] = name;
        knownValue[k] = value;
      }
      for (let j = 0; j < k; j++) {
        if (lineNames[j] === name) return undefined;
      }
      lineNames[k] = name;
      labels[name] = value;
      const c = bytes[p];
      if (c === COMMA) {
        p++;
        continue;
      }
      if (c !== CLOSE_BRACE) return undefined;
      this.labelsEnd = p + 1;
      return labels;
    }
    return undefined;
  }
}
