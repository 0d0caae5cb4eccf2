import type { Point } from './types.ts';

/**
 * Sum of the positive movement of a counter, treating every drop as a reset to zero (a restart or a
 * replaced process): after a drop the new value itself is the increase, as in Prometheus. Never negative.
 */
export function resetAdjustedDelta(points: readonly Point[]): number {
  let total = 0;
  for (let i = 1; i < points.length; i++) {
    const prev = points[i - 1]!.v;
    const cur = points[i]!.v;
    total += cur >= prev ? cur - prev : cur;
  }
  return total;
}

/** Whether any step of the series drops, i.e. the counter was reset inside it. */
export function hasReset(points: readonly Point[]): boolean {
  for (let i = 1; i < points.length; i++) if (points[i]!.v < points[i - 1]!.v) return true;
  return false;
}

/**
 * Prometheus' `increase()` (isRate=false) or `rate()` (isRate=true) over the range `(end - rangeMs, end]`
 * for one series, including its extrapolation to the range boundaries (promql/functions.go extrapolatedRate).
 * `points` must already be the samples inside the range. Undefined with fewer than two samples, like Prometheus.
 */
export function extrapolatedRate(points: readonly Point[], rangeMs: number, end: number, isRate: boolean): number | undefined {
  if (points.length < 2) return undefined;
  const first = points[0]!;
  const last = points[points.length - 1]!;
  const result = resetAdjustedDelta(points);
  const rangeStart = end - rangeMs;
  let durationToStart = (first.t - rangeStart) / 1000;
  const durationToEnd = (end - last.t) / 1000;
  const sampledInterval = (last.t - first.t) / 1000;
  if (sampledInterval <= 0) return undefined;
  const averageBetween = sampledInterval / (points.length - 1);
  // A counter cannot extrapolate below zero: stop where the line would have crossed it.
  if (result > 0 && first.v >= 0) {
    const durationToZero = sampledInterval * (first.v / result);
    if (durationToZero < durationToStart) durationToStart = durationToZero;
  }
  const threshold = averageBetween * 1.1;
  let interval = sampledInterval;
  interval += durationToStart < threshold ? durationToStart : averageBetween / 2;
  interval += durationToEnd < threshold ? durationToEnd : averageBetween / 2;
  let factor = interval / sampledInterval;
  if (isRate) factor /= rangeMs / 1000;
  return result * factor;
}
