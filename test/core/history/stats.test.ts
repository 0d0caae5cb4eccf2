import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { level, median, subsample, theilSen } from '../../../functions/core/history/index.ts';

describe('median', () => {
  it('takes the middle value, or the mean of the two middle values', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('subsample', () => {
  it('keeps first and last and at most max items, deterministically', () => {
    const items = Array.from({ length: 1000 }, (_, i) => i);
    const s = subsample(items, 60);
    expect(s).toHaveLength(60);
    expect(s[0]).toBe(0);
    expect(s[59]).toBe(999);
    expect(subsample(items, 60)).toEqual(s);
    expect(subsample([1, 2], 60)).toEqual([1, 2]);
  });
});

describe('theilSen', () => {
  it('gives units per second of a clean line', () => {
    const pts = Array.from({ length: 20 }, (_, i) => ({ t: i * 10_000, v: 100 + 5 * i * 10 }));
    expect(theilSen(pts)).toBeCloseTo(5, 9);
  });

  it('ignores non-finite values and needs two usable points', () => {
    expect(theilSen([{ t: 0, v: 1 }])).toBeNaN();
    expect(theilSen([{ t: 0, v: 0 }, { t: 1000, v: NaN }, { t: 2000, v: 4 }])).toBeCloseTo(2);
  });

  it('sees no trend in a GC sawtooth', () => {
    // 600 MiB baseline, +8 MiB per scrape, collected back every 6 scrapes.
    const pts = Array.from({ length: 120 }, (_, i) => ({ t: i * 15_000, v: 600 + 8 * (i % 6) }));
    expect(Math.abs(theilSen(pts) * 60)).toBeLessThan(1);
  });

  it('recovers a linear trend when up to 20% of points are arbitrary outliers (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 10, max: 60 }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.array(fc.tuple(fc.nat(), fc.double({ min: -1e9, max: 1e9, noNaN: true })), { maxLength: 60 }),
        (n, slope, intercept, noise) => {
          const pts = Array.from({ length: n }, (_, i) => ({ t: i * 10_000, v: intercept + slope * i * 10 }));
          const budget = Math.floor(n / 5);
          const hit = new Set<number>();
          for (const [idx, v] of noise) {
            if (hit.size >= budget) break;
            const i = idx % n;
            if (hit.has(i)) continue;
            hit.add(i);
            pts[i] = { t: pts[i]!.t, v };
          }
          const est = theilSen(pts);
          expect(Math.abs(est - slope)).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(slope), Math.abs(intercept) / 100));
        },
      ),
    );
  });
});

describe('level', () => {
  it('is the median of the last k finite points, so one spike does not count', () => {
    const pts = [10, 10, 10, 10, 500].map((v, i) => ({ t: i, v }));
    expect(level(pts, 3)).toBe(10);
    expect(level([{ t: 0, v: 1 }, { t: 1, v: NaN }, { t: 2, v: 3 }], 2)).toBe(2);
    expect(level([], 3)).toBeNaN();
  });
});
