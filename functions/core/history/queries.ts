import { extrapolatedRate, resetAdjustedDelta } from './counters.ts';
import { groupLabels } from './labels.ts';
import { bucketQuantile, parseLe, type Bucket } from './quantile.ts';
import { pointAtOrBefore } from './select.ts';
import { inRange } from './stats.ts';
import type { GroupValue, SeriesView } from './types.ts';

/** How a counter range is read: Prometheus `increase`/`rate`, or the exact reset-aware delta. */
export type CounterMode = 'increase' | 'rate' | 'exact';

/** One value per series (series with too few samples left out), labelled with its `by` labels. */
export function perSeries(series: readonly SeriesView[], rangeMs: number, now: number, mode: CounterMode, by: readonly string[]): GroupValue[] {
  const out: GroupValue[] = [];
  for (const s of series) {
    const window = inRange(s.points, now - rangeMs, now);
    let value: number | undefined;
    if (mode === 'exact') {
      // The last sample before the range is the baseline, so a restart between two scrapes straddling the edge counts.
      const base = pointAtOrBefore(s.points, now - rangeMs);
      const pts = base ? [base, ...window] : window;
      value = pts.length >= 2 ? resetAdjustedDelta(pts) : undefined;
    } else value = extrapolatedRate(window, rangeMs, now, mode === 'rate');
    if (value !== undefined) out.push({ labels: groupLabels(s.labels, by), value });
  }
  return out;
}

/** `sum` of per-series values; undefined when there are none. */
export function sumOf(values: readonly GroupValue[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, g) => a + g.value, 0);
}

/** `sum by (...)`: values with identical labels added up. */
export function sumBy(values: readonly GroupValue[]): GroupValue[] {
  const groups = new Map<string, GroupValue>();
  for (const r of values) {
    const key = JSON.stringify(r.labels);
    const g = groups.get(key);
    if (g) g.value += r.value;
    else groups.set(key, { labels: { ...r.labels }, value: r.value });
  }
  return [...groups.values()];
}

/** `histogram_quantile(q, ...)` over `sum by (le, by...)` bucket rates: one value per `by` group. */
export function quantileByGroup(q: number, bucketRates: readonly GroupValue[], by: readonly string[]): GroupValue[] {
  const groups = new Map<string, { labels: Record<string, string>; buckets: Bucket[] }>();
  for (const r of bucketRates) {
    const labels = groupLabels(r.labels, by);
    const key = JSON.stringify(labels);
    const g = groups.get(key) ?? { labels, buckets: [] };
    g.buckets.push({ upperBound: parseLe(r.labels.le), count: r.value });
    groups.set(key, g);
  }
  return [...groups.values()].map((g) => ({ labels: g.labels, value: bucketQuantile(q, g.buckets) }));
}
