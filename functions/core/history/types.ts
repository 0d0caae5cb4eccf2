import type { MetricNames } from '../../config/metric-names.ts';
import type { TargetKind } from '../types.ts';

/** One stored sample: time in ms since the epoch, value (finite in a window; the latest may be NaN/±Inf). */
export interface Point {
  t: number;
  v: number;
}

/**
 * A label matcher: every key must equal. A key `k` is read from `exported_k` when the series has it, because
 * Prometheus renames a conflicting target label that way: federated kube-state-metrics series carry
 * `exported_container="app"` next to `container="kube-state-metrics"`. A series with an empty `image` label
 * (the pod-level cgroup, the runbook's `image!=""`) never matches a matcher that names `container`.
 */
export type Match = Record<string, string>;

/** A stored series seen through a selection: labels without the volatile ones and without `pod`. */
export interface SeriesView {
  name: string;
  labels: Readonly<Record<string, string>>;
  /** Finite points inside the window, oldest first. */
  points: readonly Point[];
  /** The latest sample, finite or not. */
  last: Point;
}

/** One output of a grouped aggregation (e.g. `sum by (route_class) (...)`). */
export interface GroupValue {
  labels: Record<string, string>;
  value: number;
}

/** How an aggregated point series combines several matching series at one instant. */
export type Aggregation = 'max' | 'sum';

/** Bounds that keep a History's memory flat whatever the scrape payload looks like. */
export interface HistoryOptions {
  /** Age bound of every series' window. Default 2 h. */
  windowMs?: number;
  /** Count bound of every series' window. Default 720 (2 h at 10 s). */
  maxPoints?: number;
  /** Series kept per pod; the least recently updated one is evicted beyond it. Default 5,000. */
  maxSeriesPerPod?: number;
  /** Pods kept; the least recently seen one is evicted beyond it. Default 2,000. */
  maxPods?: number;
  /** A series whose last sample is older than this (relative to its pod's newest sample) is stale, like Prometheus' lookback. Default 5 min. */
  stalenessMs?: number;
  /** Metric names to keep (plus `_bucket`/`_sum`/`_count` of histogram names). Default: the runbook's names. */
  names?: MetricNames;
  /** Labels dropped from a series' identity because they change without the signal changing. */
  volatileLabels?: readonly string[];
}

/** Options with every default applied. */
export type ResolvedHistoryOptions = Required<HistoryOptions>;

/** What History remembers about a pod besides its series. */
export interface PodInfo {
  kind: TargetKind;
  firstSeen: number;
  lastSeen: number;
  /** Time of the latest counter reset seen in any of the pod's counters (a restart the pod's own series reveal). */
  lastResetAt?: number;
  /** The target whose scrape last carried it: its findings keep naming that target once it is gone from the scrape. */
  target?: string;
}
