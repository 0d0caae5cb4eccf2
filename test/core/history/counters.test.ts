import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { extrapolatedRate, hasReset, resetAdjustedDelta } from '../../../functions/core/history/index.ts';

const pts = (values: number[], step = 10_000, t0 = 5_000) => values.map((v, i) => ({ t: t0 + i * step, v }));

describe('resetAdjustedDelta', () => {
  it('counts a drop as a reset to zero: the new value is the increase', () => {
    expect(resetAdjustedDelta(pts([5, 8, 2, 4]))).toBe(3 + 2 + 2);
    expect(hasReset(pts([5, 8, 2, 4]))).toBe(true);
    expect(hasReset(pts([1, 1, 2]))).toBe(false);
  });
});

describe('extrapolatedRate (Prometheus extrapolatedRate)', () => {
  // Samples at 5s..55s every 10s, range (0s, 60s].
  it('extrapolates to the range edges (hand-computed)', () => {
    // sampled 50s, avg 10s, 5s to each edge (< 11s threshold) → 60s/50s × 50 = 60.
    expect(extrapolatedRate(pts([100, 110, 120, 130, 140, 150]), 60_000, 60_000, false)).toBeCloseTo(60, 9);
    expect(extrapolatedRate(pts([100, 110, 120, 130, 140, 150]), 60_000, 60_000, true)).toBeCloseTo(1, 9);
  });

  it('does not extrapolate a counter below zero (hand-computed)', () => {
    // First value 0: durationToZero = 0, so only the 5s to the end are added → 55s/50s × 50 = 55.
    expect(extrapolatedRate(pts([0, 10, 20, 30, 40, 50]), 60_000, 60_000, false)).toBeCloseTo(55, 9);
  });

  it('adds half an interval when the samples stop far from an edge (hand-computed)', () => {
    // Samples at 5s..25s, range (0s, 60s]: 35s to the end ≥ 11s → +5s; 5s to start → +5s; 30s/20s × 20 = 30.
    expect(extrapolatedRate(pts([100, 110, 120]), 60_000, 60_000, false)).toBeCloseTo(30, 9);
  });

  it('handles a reset inside the range (hand-computed)', () => {
    // Samples at 5..35s, range (-20s, 40s]: delta 10 + 5 + 10 = 25; 25s to start ≥ 11s → +5s, 5s to end → +5s; 40/30 × 25.
    expect(extrapolatedRate(pts([100, 110, 5, 15]), 60_000, 40_000, false)).toBeCloseTo((40 / 30) * 25, 9);
  });

  it('needs two samples', () => {
    expect(extrapolatedRate(pts([1]), 60_000, 60_000, true)).toBeUndefined();
  });

  it('is never negative, whatever the resets (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e12, noNaN: true }), { minLength: 2, maxLength: 80 }), fc.integer({ min: 1, max: 600 }), (values, rangeS) => {
        const p = pts(values, 1_000, 0);
        const end = p[p.length - 1]!.t + 500;
        const r = extrapolatedRate(p.filter((x) => x.t > end - rangeS * 1000), rangeS * 1000, end, true);
        expect(r === undefined || r >= 0).toBe(true);
        expect(resetAdjustedDelta(p)).toBeGreaterThanOrEqual(0);
      }),
    );
  });
});
