import type { MetricNames } from '../../config/metric-names.ts';

/**
 * MetricNames keys of the histograms a rule takes a p95 of. Only their `_bucket` series are stored: `_sum`, `_count`
 * and the query-time histogram are for dashboards, and storing them doubled the persisted history for nothing.
 */
export const HISTOGRAM_KEYS = ['admissionQueueTime', 'httpDuration', 'repoQueueTime'] as const satisfies readonly (keyof MetricNames)[];

/**
 * Sample names worth storing: only what a heuristic reads. This filter, checked before anything else per
 * sample, is what keeps a 49k-series federate payload cheap.
 */
export function keptSampleNames(names: MetricNames): Set<string> {
  const keep = new Set<string>(Object.values(names));
  for (const key of HISTOGRAM_KEYS) {
    const family = names[key];
    keep.add(`${family}_bucket`);
  }
  return keep;
}

/** MetricNames keys that name a counter; the rest are gauges (`vm_total_run_queue_lengths_total` despite its suffix). */
export const COUNTER_KEYS = [
  'restarts',
  'streamBufferOversized',
  'streamBufferTruncated',
  'admissionEnqueued',
  'admissionAccepted',
  'admissionRejected',
  'admissionTimedOut',
  'httpRequests',
  'repoQueries',
] as const satisfies readonly (keyof MetricNames)[];

/**
 * Sample names that are counters, so a drop is a reset (a restart the pod's own series reveal). Decided by
 * name, not `# TYPE`: federation exposes every family as `untyped`, and suffixes lie.
 */
export function counterSampleNames(names: MetricNames): Set<string> {
  const counters = new Set<string>(COUNTER_KEYS.map((k) => names[k]));
  for (const key of HISTOGRAM_KEYS) {
    counters.add(`${names[key]}_bucket`);
  }
  return counters;
}
