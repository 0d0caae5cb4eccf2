import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { truncate, truncateList } from '../../../functions/core/render/truncate.ts';
import { sparkline } from '../../../functions/core/render/sparkline.ts';

const bytes = (s: string) => new TextEncoder().encode(s).length;
const codePoints = (s: string) => Array.from(s).length;
const wellFormed = (s: string) => !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

describe('truncate', () => {
  it('returns text that fits unchanged and cuts longer text with an ellipsis', () => {
    expect(truncate('abc', 3)).toBe('abc');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('héllo wörld', { max: 8, unit: 'bytes', doc: '' })).toBe('héll…');
    expect(truncate('anything', 0)).toBe('');
  });

  it('never exceeds the limit, never splits a character, and keeps a prefix (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), fc.integer({ min: 1, max: 300 }), fc.boolean(), (text, max, inBytes) => {
        const out = truncate(text, inBytes ? { max, unit: 'bytes', doc: '' } : max);
        const size = inBytes ? bytes(out) : codePoints(out);
        expect(size).toBeLessThanOrEqual(max);
        expect(wellFormed(out)).toBe(true);
        const fits = inBytes ? bytes(text) <= max : codePoints(text) <= max;
        if (fits) expect(out).toBe(text);
        else expect(text.startsWith(out.slice(0, -1))).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('truncateList keeps max items, the last one saying how many are hidden', () => {
    expect(truncateList([1, 2, 3], 3, (n) => -n)).toEqual([1, 2, 3]);
    expect(truncateList([1, 2, 3, 4, 5], 3, (n) => -n)).toEqual([1, 2, -3]);
  });
});

describe('sparkline', () => {
  it('scales to the ceiling so a series near the limit reads as a full bar', () => {
    expect(sparkline([0, 50, 100], { floor: 0, ceiling: 100 })).toBe('▁▅█');
    expect(sparkline([0, 50, 100], { floor: 0, ceiling: 1000 })).toBe('▁▁▂');
  });
  it('buckets long series into at most width characters and ignores non-finite values', () => {
    expect(sparkline(Array.from({ length: 300 }, (_, i) => i), { width: 30 })).toHaveLength(30);
    expect(sparkline([NaN, Infinity])).toBe('');
    expect(sparkline([5, 5, 5])).toBe('▁▁▁');
  });
});
