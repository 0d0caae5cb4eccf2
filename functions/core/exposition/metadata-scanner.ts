import { BACKSLASH, SPACE, TAB, isMetricNameChar, isMetricNameStart } from './chars.ts';
import type { Cursor } from './cursor.ts';
import { fail } from './cursor.ts';
import type { ScanEnd } from './escapes.ts';
import { scanEscaped } from './escapes.ts';
import type { FamilyTable } from './families.ts';
import type { MetricType } from './types.ts';

const TEXT_TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const OPENMETRICS_TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'gaugehistogram', 'stateset', 'info', 'summary', 'unknown']);

type Keyword = 'HELP' | 'TYPE' | 'UNIT';

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/**
 * Scans `#` lines. Text: `# HELP`/`# TYPE` with any blanks between tokens (like expfmt); every other
 * `#` line is a comment. OpenMetrics: exactly `# HELP|TYPE|UNIT name[ value]` or `# EOF`; no comments.
 */
export class MetadataScanner {
  private readonly text: string;
  private readonly end: ScanEnd = { pos: 0 };

  constructor(
    private readonly cursor: Cursor,
    private readonly table: FamilyTable,
    private readonly om: boolean,
  ) {
    this.text = cursor.text;
  }

  /** Scans the `#` line in `[start, end)`; returns true for the OpenMetrics `# EOF` line. */
  scan(start: number, end: number): boolean {
    const text = this.text;
    let p = start + 1;
    if (this.om) {
      if (text.charCodeAt(p) !== SPACE || p >= end) fail(this.cursor, p, 'expected a space after "#"');
      p++;
    } else {
      while (isBlank(text.charCodeAt(p))) p++;
    }
    const keywordStart = p;
    while (p < end && !isBlank(text.charCodeAt(p))) p++;
    if (this.om && p - keywordStart === 3 && text.startsWith('EOF', keywordStart)) {
      if (p === end) return true;
      fail(this.cursor, p, 'unexpected content after "# EOF"');
    }
    const keyword = p - keywordStart === 4 ? text.slice(keywordStart, p) : '';
    if (keyword !== 'HELP' && keyword !== 'TYPE' && (keyword !== 'UNIT' || !this.om)) {
      if (!this.om) return false;
      fail(this.cursor, keywordStart, 'invalid comment: OpenMetrics allows only "# HELP", "# TYPE", "# UNIT" and "# EOF"');
    }
    if (this.om) {
      if (text.charCodeAt(p) !== SPACE || p >= end) fail(this.cursor, p, `expected a space after ${keyword}`);
      p++;
    } else {
      while (isBlank(text.charCodeAt(p))) p++;
    }
    const nameStart = p;
    if (!isMetricNameStart(text.charCodeAt(p))) fail(this.cursor, p, 'invalid metric name');
    p++;
    while (isMetricNameChar(text.charCodeAt(p))) p++;
    const name = text.slice(nameStart, p);
    if (p < end && (this.om ? text.charCodeAt(p) !== SPACE : !isBlank(text.charCodeAt(p)))) {
      fail(this.cursor, p, 'invalid character in metric name');
    }
    if (this.om) {
      if (p < end) p++;
    } else {
      while (isBlank(text.charCodeAt(p))) p++;
    }
    this.apply(keyword as Keyword, name, nameStart, keywordStart, p, end);
    return false;
  }

  private apply(keyword: Keyword, name: string, nameStart: number, keywordStart: number, p: number, end: number): void {
    const state = this.table.resolveMetadata(name, nameStart);
    const family = state.family;
    if (state.sampled && (this.om || keyword === 'TYPE')) {
      fail(this.cursor, keywordStart, `${keyword} for "${name}" after its samples`);
    }
    const text = this.text;
    if (keyword === 'HELP') {
      if (state.hasHelp) fail(this.cursor, keywordStart, `duplicate HELP for "${name}"`);
      state.hasHelp = true;
      let q = p;
      while (q < end && text.charCodeAt(q) !== BACKSLASH) q++;
      family.help = q === end ? text.slice(p, end) : scanEscaped(this.cursor, p, end, false, this.om, this.end);
      return;
    }
    if (keyword === 'TYPE') {
      if (state.typed) fail(this.cursor, keywordStart, `duplicate TYPE for "${name}"`);
      let typeEnd = p;
      while (typeEnd < end && !isBlank(text.charCodeAt(typeEnd))) typeEnd++;
      const type = text.slice(p, typeEnd);
      let q = typeEnd;
      if (!this.om) while (isBlank(text.charCodeAt(q))) q++;
      if (q < end) fail(this.cursor, q, 'unexpected content after the metric type');
      if (!(this.om ? OPENMETRICS_TYPES : TEXT_TYPES).has(type)) {
        fail(this.cursor, p, p === end ? 'missing metric type' : `unknown metric type ${JSON.stringify(type.slice(0, 40))}`);
      }
      state.typed = true;
      family.type = type as MetricType;
      return;
    }
    if (state.hasUnit) fail(this.cursor, keywordStart, `duplicate UNIT for "${name}"`);
    let q = p;
    while (isMetricNameChar(text.charCodeAt(q))) q++;
    if (q < end) fail(this.cursor, q, 'invalid character in unit');
    const unit = text.slice(p, end);
    if (unit !== '' && !name.endsWith(`_${unit}`)) fail(this.cursor, p, `unit "${unit}" is not a suffix of the family name "${name}"`);
    state.hasUnit = true;
    family.unit = unit;
  }
}
