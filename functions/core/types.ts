import type { MetricFamily } from './exposition/types.ts';

/** Severity: critical pages, warning goes to chat, info is recorded only. */
export type Severity = 'critical' | 'warning' | 'info';

/**
 * How a snapshot names its pods: the app's own /metrics (the target is the pod), or series labelled by pod (Prometheus
 * /federate; a `kind: promql` target's snapshots are federate-shaped too, so history and heuristics need no third kind).
 */
export type TargetKind = 'metrics' | 'federate';

/**
 * One successful scrape, parsed. Time is injected (`ts`, ms since epoch) so the core never reads a clock.
 * For `kind: metrics` the series carry no `pod` label: the target name stands for the pod.
 */
export interface Snapshot {
  ts: number;
  target: string;
  kind: TargetKind;
  families: MetricFamily[];
}

/** Evidence numbers attached to a finding: plain, already-computed values (bytes, ratios, seconds, counts). */
export type Evidence = Record<string, number | string>;

/**
 * The output of a heuristic or of a failed scrape: one observation that a rule is active for a pod.
 * A heuristic returns findings only for rules that are active now; absence means "not active" to the reducer.
 */
export interface Finding {
  /** Rule id, e.g. `memory-pressure`, `time-to-oom`, `binary-growth`, `scrape-failed`. */
  rule: string;
  severity: Severity;
  pod: string;
  target: string;
  /** One-line, human summary with the key numbers. Never contains a secret or a body. */
  summary: string;
  evidence: Evidence;
  /** The runbook's triage hint for this pattern: the next step for the operator. */
  hint: string;
  /** PromQL to paste into Prometheus to see the same signal. */
  promql: string;
  /** Optional recent window of the signal for sparklines: [ts ms, value]. */
  series?: Array<[number, number]>;
  /**
   * Lifecycle overrides for this finding's alert (a synthetic check's failure/success thresholds and reminder
   * interval); unset fields fall back to the global `alerting` policy. The reducer keeps applying the policy of
   * the alert's last finding while it is inactive, so a check's successThreshold also governs its resolve.
   */
  policy?: FindingPolicy;
}

/** The part of the alert policy a finding may override; numbers as in `AlertPolicy` (counts, ms). */
export interface FindingPolicy {
  forEvaluations?: number;
  resolveAfterEvaluations?: number;
  repeatInterval?: number;
}
