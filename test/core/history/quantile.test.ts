import { describe, expect, it } from 'vitest';
import { bucketQuantile, parseLe } from '../../../functions/core/history/index.ts';

// Cumulative rates: 10 ≤ 0.1s, 30 ≤ 0.5s, 45 ≤ 1s, 50 in all.
const B = [
  { upperBound: 0.1, count: 10 },
  { upperBound: 0.5, count: 30 },
  { upperBound: 1, count: 45 },
  { upperBound: Infinity, count: 50 },
];

describe('bucketQuantile (Prometheus histogram_quantile, hand-computed)', () => {
  it('interpolates linearly inside the bucket holding the rank', () => {
    expect(bucketQuantile(0.5, B)).toBeCloseTo(0.1 + 0.4 * (15 / 20), 12); // rank 25 → 0.4
    expect(bucketQuantile(0.05, B)).toBeCloseTo(0.025, 12); // rank 2.5 in the first bucket, from 0
    expect(bucketQuantile(0.9, B)).toBeCloseTo(1, 12); // rank 45 = top of the 1s bucket
  });

  it('returns the upper bound of the previous bucket when the rank falls in +Inf', () => {
    expect(bucketQuantile(0.95, B)).toBe(1);
  });

  it('is order-independent and fixes non-monotonic buckets', () => {
    const shuffled = [B[3]!, B[1]!, B[0]!, B[2]!];
    expect(bucketQuantile(0.5, shuffled)).toBeCloseTo(0.4, 12);
    // 0.5s bucket dipping below 0.1s is levelled up to 10: rank 25 then lies in (0.5, 1] with 35 counts → 0.5 + 0.5 × 15/35.
    const broken = [{ upperBound: 0.1, count: 10 }, { upperBound: 0.5, count: 8 }, { upperBound: 1, count: 45 }, { upperBound: Infinity, count: 50 }];
    expect(bucketQuantile(0.5, broken)).toBeCloseTo(0.5 + 0.5 * (15 / 35), 12);
  });

  it('is NaN without observations, without +Inf, or with fewer than two buckets', () => {
    expect(bucketQuantile(0.95, B.map((b) => ({ ...b, count: 0 })))).toBeNaN();
    expect(bucketQuantile(0.95, B.slice(0, 3))).toBeNaN();
    expect(bucketQuantile(0.95, [{ upperBound: Infinity, count: 3 }])).toBeNaN();
  });

  it('answers ±Inf outside [0, 1] and the bound itself for a non-positive first bucket', () => {
    expect(bucketQuantile(-0.1, B)).toBe(-Infinity);
    expect(bucketQuantile(1.1, B)).toBe(Infinity);
    expect(bucketQuantile(0.1, [{ upperBound: 0, count: 10 }, { upperBound: Infinity, count: 20 }])).toBe(0);
  });

  it('parses le values', () => {
    expect(parseLe('+Inf')).toBe(Infinity);
    expect(parseLe('0.005')).toBe(0.005);
    expect(parseLe('1e3')).toBe(1000);
    expect(parseLe(undefined)).toBeNaN();
  });
});
