/** One cumulative histogram bucket: observations ≤ `upperBound` (its `le`). */
export interface Bucket {
  upperBound: number;
  count: number;
}

/**
 * Prometheus' `histogram_quantile` for classic buckets (promql/quantile.go bucketQuantile): sort by `le`,
 * merge equal bounds, force cumulative counts monotonic, then interpolate linearly inside the bucket that holds
 * the rank. A rank in the +Inf bucket answers the previous bucket's upper bound; the first bucket interpolates
 * from 0 unless its bound is ≤ 0. NaN without a +Inf bucket, with fewer than two buckets, or with no observations.
 */
export function bucketQuantile(q: number, input: readonly Bucket[]): number {
  if (Number.isNaN(q)) return NaN;
  if (q < 0) return -Infinity;
  if (q > 1) return Infinity;
  const sorted = [...input].filter((b) => !Number.isNaN(b.upperBound)).sort((a, b) => a.upperBound - b.upperBound);
  if (sorted.length === 0 || sorted[sorted.length - 1]!.upperBound !== Infinity) return NaN;
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const prev = buckets[buckets.length - 1];
    if (prev && prev.upperBound === b.upperBound) prev.count += b.count;
    else buckets.push({ upperBound: b.upperBound, count: b.count });
  }
  // Scrapes of different buckets are not atomic, so rates can come out non-monotonic; Prometheus levels them up.
  let max = -Infinity;
  for (const b of buckets) {
    if (Number.isNaN(b.count)) continue;
    if (b.count < max) b.count = max;
    else max = b.count;
  }
  if (buckets.length < 2) return NaN;
  const observations = buckets[buckets.length - 1]!.count;
  if (!(observations > 0)) return NaN;
  let rank = q * observations;
  let b = buckets.length - 1;
  for (let i = 0; i < buckets.length - 1; i++) {
    if (buckets[i]!.count >= rank) {
      b = i;
      break;
    }
  }
  if (b === buckets.length - 1) return buckets[buckets.length - 2]!.upperBound;
  if (b === 0 && buckets[0]!.upperBound <= 0) return buckets[0]!.upperBound;
  let start = 0;
  const end = buckets[b]!.upperBound;
  let count = buckets[b]!.count;
  if (b > 0) {
    start = buckets[b - 1]!.upperBound;
    count -= buckets[b - 1]!.count;
    rank -= buckets[b - 1]!.count;
  }
  return start + (end - start) * (rank / count);
}

/** Parses an `le` label value the way Prometheus does (`+Inf`, `Inf`, decimals, exponents). */
export function parseLe(le: string | undefined): number {
  if (le === undefined) return NaN;
  const s = le.trim();
  if (/^\+?inf$/i.test(s)) return Infinity;
  if (/^-inf$/i.test(s)) return -Infinity;
  return s === '' ? NaN : Number(s);
}
