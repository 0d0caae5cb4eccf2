import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ParseError, parseExposition, serializeExposition } from '../../../functions/core/exposition/index.ts';
import type { ExpositionFormat, MetricFamily } from '../../../functions/core/exposition/index.ts';
import { exposition, familiesArb } from './arbitraries.ts';

type Outcome = { families: MetricFamily[] } | { error: string; line: number; column: number };

/** What a parse ends in; anything thrown that is not a ParseError fails the property. */
function outcome(text: string, format: ExpositionFormat): Outcome {
  try {
    return { families: parseExposition(text, format) };
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    expect(Number.isInteger(error.line) && error.line >= 1).toBe(true);
    expect(Number.isInteger(error.column) && error.column >= 1).toBe(true);
    return { error: error.message.replace(/^\d+:\d+: /, ''), line: error.line, column: error.column };
  }
}

describe('parseExposition properties', () => {
  it.each(['text', 'openmetrics'] as const)('throws nothing but ParseError on arbitrary strings (%s)', (format) => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), exposition), (text) => {
        outcome(text, format);
      }),
      { numRuns: 1500 },
    );
  });

  it.each(['text', 'openmetrics'] as const)('round-trips serialised families (%s)', (format) => {
    fc.assert(
      fc.property(familiesArb(format), (families) => {
        expect(parseExposition(serializeExposition(families, format), format)).toEqual(families);
      }),
      { numRuns: 400 },
    );
  });

  it('gives the same result or the same error on the byte fast path and the exact path (text)', () => {
    // A non-ASCII comment line sends the whole body down the exact path; it shifts errors by one line.
    fc.assert(
      fc.property(exposition, (text) => {
        const fast = outcome(text, 'text');
        const exact = outcome(`# é\n${text}`, 'text');
        if ('error' in exact) expect(fast).toEqual({ ...exact, line: exact.line - 1 });
        else expect(fast).toEqual(exact);
      }),
      { numRuns: 3000 },
    );
  });

  it('gives the same result or the same error on the byte fast path and the exact path (OpenMetrics)', () => {
    fc.assert(
      fc.property(exposition, (text) => {
        const fast = outcome(text, 'openmetrics');
        const exact = outcome(`# HELP zz_non_ascii é\n${text}`, 'openmetrics');
        if ('error' in exact) expect(fast).toEqual({ ...exact, line: exact.line - 1 });
        else if ('families' in exact) expect(fast).toEqual({ families: exact.families.slice(1) });
      }),
      { numRuns: 3000 },
    );
  });
});

describe('parseExposition on hostile input', () => {
  const MB = 1024 * 1024;

  it.each([
    ['1 MB of "{"', '{'.repeat(MB)],
    ['an unterminated 1 MB label value', `foo{a="${'x'.repeat(MB)}\n`],
    ['1 MB of backslash escapes, unterminated', `foo{a="${'\\\\'.repeat(MB / 2)}\n`],
    ['a 1 MB metric name without value', `${'a'.repeat(MB)}\n`],
    ['1 MB of opening quotes in label values', `foo{${'a="'.repeat(MB / 3)}\n`],
    ['100k labels repeating one name', `foo{${'a="b",'.repeat(100_000)}} 1\n`],
    ['1 MB of "# HELP x \\"', '# HELP x \\'.repeat(MB / 10)],
  ])('rejects %s with a ParseError', (_, text) => {
    expect(() => parseExposition(text, 'text')).toThrow(ParseError);
  });

  it.each([
    ['a 1 MB label value', `foo{a="${'x'.repeat(MB)}"} 1\n`, 1],
    ['100k distinct labels on one line', `foo{${Array.from({ length: 100_000 }, (_, i) => `l${i}="v"`).join(',')}} 1\n`, 1],
    ['100k lines of distinct families', Array.from({ length: 100_000 }, (_, i) => `# TYPE f${i} gauge\nf${i} ${i}\n`).join(''), 100_000],
    ['1 MB of blank lines then a sample', `${'\n'.repeat(MB)}foo 1\n`, 1],
  ])('parses %s', (_, text, familyCount) => {
    expect(parseExposition(text, 'text')).toHaveLength(familyCount);
  });
});
