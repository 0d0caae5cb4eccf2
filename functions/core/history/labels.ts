import type { Match } from './types.ts';

/** Labels that identify where a series was scraped from, not what it measures. */
export const DEFAULT_VOLATILE_LABELS: readonly string[] = Object.freeze([
  'instance',
  'endpoint',
  'id',
  'name',
  'uid',
  'container_id',
  'image_id',
  'prometheus',
  'prometheus_replica',
  '__replica__',
  'service',
]);

/** Labels that name the pod: the partition key, so not part of a series' identity inside the pod. */
const POD_LABELS = new Set(['pod', 'exported_pod']);

/**
 * The pod a federated sample belongs to. `exported_pod` wins: when present, `pod` names the exporter
 * (kube-state-metrics scraped without honor_labels), not the app pod.
 */
export function podOf(labels: Readonly<Record<string, string>>): string | undefined {
  return labels.exported_pod || labels.pod || undefined;
}

/** The labels stored for a series: sorted, minus volatile and pod labels. */
export function storedLabels(labels: Readonly<Record<string, string>>, volatile: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(labels).sort()) {
    if (volatile.has(key) || POD_LABELS.has(key)) continue;
    out[key] = labels[key]!;
  }
  return out;
}

/** A stable identity for name + (already sorted) labels. */
export function seriesKey(name: string, sorted: Readonly<Record<string, string>>): string {
  let key = name;
  for (const k in sorted) key += `\u0000${k}\u0001${sorted[k]}`;
  return key;
}

/** Whether a series' labels satisfy a matcher (see {@link Match} for the `exported_` and `image` rules). */
export function matches(labels: Readonly<Record<string, string>>, match: Match | undefined): boolean {
  if (!match) return true;
  for (const key in match) {
    const value = labels[`exported_${key}`] ?? labels[key];
    if (value !== match[key]) return false;
    if (key === 'container' && labels.image === '') return false;
  }
  return true;
}

/** Picks the `by` labels out of a series' labels (with the same `exported_` rule as matching). */
export function groupLabels(labels: Readonly<Record<string, string>>, by: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of by) out[key] = labels[`exported_${key}`] ?? labels[key] ?? '';
  return out;
}
