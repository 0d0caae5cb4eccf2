import { HASH, SPACE, TAB } from './chars.ts';
import type { Cursor } from './cursor.ts';
import { fail } from './cursor.ts';
import { ByteText } from './byte-table.ts';
import { FamilyTable } from './families.ts';
import { FastSampleScanner } from './fast-scanner.ts';
import { MetadataScanner } from './metadata-scanner.ts';
import { SampleScanner } from './sample-scanner.ts';
import type { ExpositionFormat, MetricFamily } from './types.ts';
import { ParseError } from './types.ts';

const CR = 13;

/**
 * Parses a Prometheus text 0.0.4 or OpenMetrics 1.0 exposition into metric families, in order of first
 * appearance. Strict: anything promtool/expfmt or the OpenMetrics spec rejects throws a `ParseError`
 * with a 1-based line and column, and nothing else is ever thrown. One forward pass, linear time.
 *
 * Decisions where the references are loose: the text format's last line must end with a line feed
 * (as in expfmt); families declared by HELP/TYPE without samples are kept; OpenMetrics timestamps are
 * rounded to whole milliseconds; duplicate series (same name and labels twice) are not detected.
 */
export function parseExposition(text: string, format: ExpositionFormat): MetricFamily[] {
  if (typeof text !== 'string') throw new ParseError('exposition must be a string', 1, 1);
  if (format !== 'text' && format !== 'openmetrics') throw new ParseError('format must be "text" or "openmetrics"', 1, 1);
  const om = format === 'openmetrics';
  const cursor: Cursor = { text, line: 1, lineStart: 0 };
  const table = new FamilyTable(cursor, om);
  const samples = new SampleScanner(cursor, table, om);
  const metadata = new MetadataScanner(cursor, table, om);
  const fast = fastScanner(text, table, om);
  const length = text.length;
  let pos = 0;
  let sawEof = false;
  let lastFast = false;
  while (pos < length) {
    if (fast !== undefined && !sawEof) {
      const next = fast.tryLine(pos);
      if (next >= 0) {
        pos = next;
        cursor.line++;
        lastFast = true;
        continue;
      }
      // The two scanners cache the last family separately; each must re-resolve after the other ran.
      if (lastFast) samples.reset();
      fast.reset();
      lastFast = false;
    }
    let end = text.indexOf('\n', pos);
    if (end === -1) end = length;
    cursor.lineStart = pos;
    if (om) {
      if (sawEof) fail(cursor, pos, 'unexpected content after "# EOF"');
      const c = text.charCodeAt(pos);
      if (c === HASH) {
        sawEof = metadata.scan(pos, end);
        samples.reset();
      } else if (pos === end) {
        fail(cursor, pos, 'empty lines are not allowed in OpenMetrics');
      } else {
        if (text.charCodeAt(end - 1) === CR) fail(cursor, end - 1, 'carriage return at end of line (CRLF line endings are not valid)');
        samples.scan(pos, end);
      }
    } else {
      let p = pos;
      let c = text.charCodeAt(p);
      while (c === SPACE || c === TAB) c = text.charCodeAt(++p);
      if (p < end) {
        if (c === HASH) {
          metadata.scan(p, end);
          samples.reset();
        } else {
          if (text.charCodeAt(end - 1) === CR) fail(cursor, end - 1, 'carriage return at end of line (CRLF line endings are not valid)');
          samples.scan(p, end);
        }
        if (end === length) fail(cursor, end, 'unexpected end of input: the last line must end with a line feed');
      }
    }
    cursor.line++;
    pos = end + 1;
  }
  if (om && !sawEof) {
    if (length > 0 && !text.endsWith('\n')) cursor.line--;
    else cursor.lineStart = length;
    fail(cursor, length, 'missing "# EOF" at the end of the OpenMetrics exposition');
  }
  return table.families;
}

/** Bodies up to this size reuse one scratch buffer instead of allocating bytes per parse. */
const SCRATCH_LIMIT = 32 * 1024 * 1024;
let scratch: Buffer | undefined;

/**
 * The byte-level fast path, for ASCII bodies only: there byte offsets equal string offsets, so both
 * scanners share positions and the exact scanner can take over any line. Other bodies use the exact
 * scanner throughout (still linear, roughly half the speed). The bytes go to a reused scratch buffer
 * (kept up to 32 MiB) instead of a fresh multi-megabyte allocation per scrape; parsing is synchronous,
 * so two parses never share it at once.
 */
function fastScanner(text: string, table: FamilyTable, om: boolean): FastSampleScanner | undefined {
  const length = text.length;
  if (Buffer.byteLength(text, 'utf8') !== length) return undefined;
  let bytes: Buffer;
  if (length <= SCRATCH_LIMIT) {
    if (scratch === undefined || scratch.length < length) scratch = Buffer.allocUnsafe(Math.max(length, 64 * 1024));
    bytes = scratch;
  } else {
    bytes = Buffer.allocUnsafe(length);
  }
  // ASCII: latin1 bytes are the UTF-8 bytes, and the latin1 copy is the cheapest encoder.
  bytes.write(text, 0, length, 'latin1');
  return new FastSampleScanner(new ByteText(text, bytes.subarray(0, length)), table, om);
}
