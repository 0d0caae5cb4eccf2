import type { Finding, Severity } from '../types.ts';

/** Lifecycle of one alert (one rule × pod × target), Prometheus-style, with resolve hysteresis. */
export type AlertStatus = 'inactive' | 'pending' | 'firing' | 'resolved';

/** What the runtime should do after an evaluation. */
export type AlertAction = 'trigger' | 'remind' | 'resolve' | 'none';

/**
 * Persisted state of one alert. Plain JSON (numbers are ms since epoch) so any StateStore can hold it.
 * The latest finding is kept so reminders and resolves can be rendered without re-evaluating.
 */
export interface AlertState {
  fingerprint: string;
  rule: string;
  pod: string;
  target: string;
  status: AlertStatus;
  /** Severity of the latest active finding (copied from `finding` for quick filtering and sorting). */
  severity: Severity;
  /** Summary of the latest active finding (copied from `finding`; it is what alert events carry). */
  summary: string;
  /** The latest active finding: evidence, hint, PromQL, series for rendering reminders and resolves. */
  finding: Finding;
  /** Consecutive active evaluations (reset by an inactive one). */
  activeCount: number;
  /** Consecutive inactive evaluations (reset by an active one); drives resolve hysteresis. */
  inactiveCount: number;
  /** When the current active streak began (pending start); undefined while inactive/resolved. */
  activeSince?: number;
  /** When this alert started firing (the `startsAt` of the incident). */
  firedAt?: number;
  /** When the latest trigger (first firing or an escalation) was decided. */
  triggeredAt?: number;
  /** Highest severity triggered in this firing episode; escalation above it triggers again. */
  triggeredSeverity?: Severity;
  /** Set only by `markNotified`, after a channel accepted the notification. */
  lastNotifiedAt?: number;
  resolvedAt?: number;
  /** Time of the last status change; used to prune old inactive/resolved states. */
  changedAt: number;
  lastEvaluatedAt: number;
}

/** One line of the alert-events JSONL (design.md); key order is part of the format. */
export interface AlertEvent {
  ts: string;
  status: 'firing' | 'resolved';
  severity: Severity;
  rule: string;
  pod: string;
  target: string;
  fingerprint: string;
  summary: string;
}

/** A notification-worthy outcome of `step`. Reminders carry the firing event; they change no status. */
export interface Transition {
  action: 'trigger' | 'remind' | 'resolve';
  state: AlertState;
  event: AlertEvent;
}
