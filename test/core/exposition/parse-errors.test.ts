import { describe, expect, it } from 'vitest';
import { ParseError, parseExposition } from '../../../functions/core/exposition/index.ts';
import type { ExpositionFormat } from '../../../functions/core/exposition/index.ts';

/** [input, line, column, message fragment] */
type Case = [string, number, number, string];

function expectError(input: string, format: ExpositionFormat, line: number, column: number, fragment: string): void {
  let caught: unknown;
  try {
    parseExposition(input, format);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(ParseError);
  const error = caught as ParseError;
  expect(error.message).toContain(fragment);
  expect([error.line, error.column]).toEqual([line, column]);
}

const textCases: Case[] = [
  ['1foo 1\n', 1, 1, 'invalid metric name'],
  ['foo-bar 1\n', 1, 4, 'invalid character in metric name'],
  ['foo{1a="x"} 1\n', 1, 5, 'invalid label name'],
  ['foo{,} 1\n', 1, 5, 'invalid label name'],
  ['foo{a="x} 1\n', 1, 7, 'unterminated label value'],
  ['foo{a="\\"} 1\n', 1, 7, 'unterminated label value'],
  ['foo{a="x\\q"} 1\n', 1, 9, 'invalid escape sequence'],
  ['foo{a="x\\\n', 1, 9, 'backslash at end of line'],
  ['foo{a="x",a="y"} 1\n', 1, 11, 'duplicate label name "a"'],
  ['foo{__name__="x"} 1\n', 1, 5, 'reserved'],
  ['foo{a "b"} 1\n', 1, 7, 'expected "="'],
  ['foo{a=b} 1\n', 1, 7, 'to open the label value'],
  ['foo{a="b"c="d"} 1\n', 1, 10, 'expected "," or "}"'],
  ['foo\n', 1, 4, 'missing value'],
  ['foo{a="b"}\n', 1, 11, 'missing value'],
  ['foo abc\n', 1, 5, 'invalid value'],
  ['foo 0x10\n', 1, 5, 'invalid value'],
  ['foo 1e999\n', 1, 5, 'invalid value'],
  ['foo +nan\n', 1, 5, 'invalid value'],
  ['foo NaN1\n', 1, 5, 'invalid value'],
  ['foo 1 1.5\n', 1, 7, 'invalid timestamp'],
  ['foo 1 -\n', 1, 7, 'invalid timestamp'],
  ['foo 1 99999999999999999999\n', 1, 7, 'invalid timestamp'],
  ['foo 1 2 3\n', 1, 9, 'unexpected content after the timestamp'],
  ['foo 1', 1, 6, 'must end with a line feed'],
  ['foo 1\r\n', 1, 6, 'carriage return'],
  ['# TYPE h histogram\nh_bucket{le="abc"} 1\n', 2, 13, 'invalid "le" label value'],
  ['# TYPE h histogram\nh_bucket 1\n', 2, 10, 'missing "le" label'],
  ['# TYPE h histogram\nh 1\n', 2, 1, 'not valid for histogram family'],
  ['# TYPE s summary\ns{quantile="x"} 1\n', 2, 12, 'invalid "quantile" label value'],
  ['foo 1\n# TYPE foo gauge\n', 2, 3, 'TYPE for "foo" after its samples'],
  ['# TYPE foo gauge\n# TYPE foo counter\n', 2, 3, 'duplicate TYPE'],
  ['# HELP foo a\n# HELP foo b\n', 2, 3, 'duplicate HELP'],
  ['# TYPE foo gauges\n', 1, 12, 'unknown metric type "gauges"'],
  ['# TYPE foo info\n', 1, 12, 'unknown metric type "info"'],
  ['# TYPE foo\n', 1, 11, 'missing metric type'],
  ['# TYPE foo gauge extra\n', 1, 18, 'unexpected content after the metric type'],
  ['# HELP 9foo x\n', 1, 8, 'invalid metric name'],
  ['# HELP foo bad \\q escape\n', 1, 16, 'invalid escape sequence'],
  ['# HELP foo \\"quoted\\"\n', 1, 12, 'invalid escape sequence'],
  ['ok 1\nalso_ok{a="b"} 2\n\n  bad{ 1\n', 4, 8, 'invalid label name'],
];

const openMetricsCases: Case[] = [
  ['foo 1\n', 2, 1, 'missing "# EOF"'],
  ['foo 1', 1, 6, 'missing "# EOF"'],
  ['', 1, 1, 'missing "# EOF"'],
  ['foo 1\n# EOF\nbar 1\n', 3, 1, 'after "# EOF"'],
  ['# EOF\n\n', 2, 1, 'after "# EOF"'],
  ['# EOF extra\n', 1, 6, 'after "# EOF"'],
  ['foo 1\n\n# EOF\n', 2, 1, 'empty lines'],
  ['# comment\n# EOF\n', 1, 3, 'invalid comment'],
  ['#TYPE foo gauge\n# EOF\n', 1, 2, 'expected a space after "#"'],
  ['# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n# EOF\n', 5, 1, 'not contiguous'],
  ['a 1\nb 1\n# TYPE a gauge\n# EOF\n', 3, 8, 'interleaved'],
  ['# TYPE a counter\na 1\n# EOF\n', 2, 1, 'not valid for counter family'],
  ['# TYPE a gauge\na_total 1\n# TYPE a_total gauge\n# EOF\n', 3, 3, 'after its samples'],
  ['# TYPE foo gauge\nfoo 1\n# HELP foo x\n# EOF\n', 3, 3, 'HELP for "foo" after its samples'],
  ['# TYPE foo unknownx\n# EOF\n', 1, 12, 'unknown metric type'],
  ['# TYPE foo untyped\n# EOF\n', 1, 12, 'unknown metric type "untyped"'],
  ['# TYPE foo_seconds counter\n# UNIT foo_seconds bytes\n# EOF\n', 2, 20, 'not a suffix'],
  ['# UNIT foo_bytes bytes\n# UNIT foo_bytes bytes\n# EOF\n', 2, 3, 'duplicate UNIT'],
  ['foo  1\n# EOF\n', 1, 5, 'invalid value'],
  ['foo {a="b"} 1\n# EOF\n', 1, 5, 'invalid value'],
  ['foo{a="b"}  1\n# EOF\n', 1, 12, 'invalid value'],
  ['foo{a="b",} 1\n# EOF\n', 1, 11, 'invalid label name'],
  ['foo{a = "b"} 1\n# EOF\n', 1, 6, 'expected "="'],
  ['foo 1 \n# EOF\n', 1, 7, 'invalid timestamp'],
  ['foo 1 NaN\n# EOF\n', 1, 7, 'invalid timestamp'],
  ['foo 1\t2\n# EOF\n', 1, 6, 'expected a single space'],
  ['foo 1\r\n# EOF\n', 1, 6, 'carriage return'],
  ['foo 1 # {a="b"} 1\n# EOF\n', 1, 7, 'exemplars are only allowed'],
  ['# TYPE c counter\nc_total 1 #{a="b"} 1\n# EOF\n', 2, 11, 'to start an exemplar'],
  ['# TYPE c counter\nc_total 1 # {a="b"}\n# EOF\n', 2, 20, 'before the exemplar value'],
  ['# TYPE c counter\nc_total 1 # {a="b"} x\n# EOF\n', 2, 21, 'invalid exemplar value'],
  ['# TYPE c counter\nc_total 1 # {a="b"} 1 2 3\n# EOF\n', 2, 24, 'unexpected content after the exemplar'],
  [`# TYPE c counter\nc_total 1 # {a="${'x'.repeat(130)}"} 1\n# EOF\n`, 2, 13, 'exceed 128 characters'],
  ['# HELP foo bad \\q\n# EOF\n', 1, 16, 'invalid escape sequence'],
];

describe('parseExposition rejects invalid text-format input with promtool-like positions', () => {
  it.each(textCases)('%j → %i:%i', (input, line, column, fragment) => {
    expectError(input, 'text', line, column, fragment);
  });
});

describe('parseExposition rejects invalid OpenMetrics input', () => {
  it.each(openMetricsCases)('%j → %i:%i', (input, line, column, fragment) => {
    expectError(input, 'openmetrics', line, column, fragment);
  });
});

describe('error positions', () => {
  it('counts columns in code points, so an emoji before the error is one column', () => {
    expectError('foo{a="😀",a="x"} 1\n', 'text', 1, 11, 'duplicate label name');
  });

  it('reports the same line:column whether or not the body is ASCII (fast and exact paths agree)', () => {
    expectError('# é\nfoo{a="x",a="y"} 1\n', 'text', 2, 11, 'duplicate label name "a"');
    expectError('foo{a="x",a="y"} 1\n', 'text', 1, 11, 'duplicate label name "a"');
  });

  it('rejects an unknown format name with a ParseError rather than a TypeError', () => {
    expect(() => parseExposition('foo 1\n', 'json' as ExpositionFormat)).toThrow(ParseError);
  });
});
