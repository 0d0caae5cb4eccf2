import type { Point } from './types.ts';

/** Median of a list (NaN when empty). Does not mutate its input. */
export function median(values: readonly number[] | Float64Array): number {
  if (values.length === 0) return NaN;
  // A typed array sorts numerically without a comparator callback: the Theil–Sen hot path.
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * At most `max` points, evenly spread by index, always keeping the first and the last.
 * Deterministic, so the same history always gives the same slope.
 */
export function subsample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  if (max <= 1) return items.length > 0 ? [items[items.length - 1]!] : [];
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.round((i * (items.length - 1)) / (max - 1))]!);
  return out;
}

/**
 * Theil–Sen slope in units per second: the median of all pairwise slopes. Half the points can be outliers
 * (a GC sawtooth, a one-off spike) before it moves, unlike least squares. Non-finite values are ignored;
 * the points are subsampled to `maxPoints` so the O(n²) pairs stay cheap. NaN with fewer than two usable points.
 */
export function theilSen(points: readonly Point[], maxPoints = 60): number {
  const usable = subsample(
    points.filter((p) => Number.isFinite(p.v) && Number.isFinite(p.t)),
    maxPoints,
  );
  const slopes = new Float64Array((usable.length * (usable.length - 1)) / 2);
  let n = 0;
  for (let i = 0; i < usable.length; i++) {
    for (let j = i + 1; j < usable.length; j++) {
      const a = usable[i]!;
      const b = usable[j]!;
      if (b.t !== a.t) slopes[n++] = ((b.v - a.v) / (b.t - a.t)) * 1000;
    }
  }
  return median(slopes.subarray(0, n));
}

/** The "current level": median of the last `k` finite values, so one spike does not trip a threshold. */
export function level(points: readonly Point[], k = 3): number {
  const values: number[] = [];
  for (let i = points.length - 1; i >= 0 && values.length < k; i--) {
    const v = points[i]!.v;
    if (Number.isFinite(v)) values.push(v);
  }
  return median(values);
}

/** Points with `from < t <= to` (Prometheus' left-open range), oldest first. */
export function inRange(points: readonly Point[], from: number, to: number): Point[] {
  // Points are sorted by time: binary-search the first one after `from` instead of scanning the whole window.
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t > from) hi = mid;
    else lo = mid + 1;
  }
  const out: Point[] = [];
  for (let i = lo; i < points.length && points[i]!.t <= to; i++) out.push(points[i]!);
  return out;
}
