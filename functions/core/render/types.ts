import type { Severity } from '../types.ts';

/** A link shown with an alert (runbook, dashboard, Prometheus graph). URLs are already sanitized. */
export interface Link {
  title: string;
  url: string;
}

/**
 * One alert inside a notification, with its wording rendered once (core/render) and sanitized.
 * Channels only shape these fields; they never build wording of their own.
 */
export interface AlertItem {
  /** Stable identity of the alert: PagerDuty `dedup_key`, Opsgenie `alias`. */
  fingerprint: string;
  status: 'firing' | 'resolved';
  severity: Severity;
  rule: string;
  pod: string;
  target: string;
  /** Where it came from: pooler-watch's own probe, an in-cluster Alertmanager, or the memory sampler's logs. */
  source: 'probe' | 'alertmanager' | 'sampler-logs';
  /** Short headline, e.g. `time-to-oom on codex-pooler-app-0`. */
  title: string;
  summary: string;
  /** The runbook's triage hint: the next step. */
  hint: string;
  /** PromQL to paste into Prometheus; empty when there is none. */
  promql: string;
  /** Evidence numbers, already humanized (`812 MiB`, `79%`, `21 min`). */
  evidence: Array<{ name: string; value: string }>;
  /** Unicode sparkline of the signal's recent window, with what it shows. */
  sparkline?: { text: string; caption: string };
  /** ISO-8601. */
  startsAt: string;
  endsAt?: string;
  links: Link[];
  /** Allowlisted labels only (severity, rule, pod, target, namespace, …). */
  labels: Record<string, string>;
  /**
   * What this alert is in this notification: new or escalated (`trigger`), already known and carried for
   * context (`remind`), or `resolve`. Per-alert pagers send only triggers and resolves; chat shows the group.
   */
  action?: 'trigger' | 'remind' | 'resolve';
}

/** What a transition (or a test) asks a receiver to do. */
export type NotificationKind = 'trigger' | 'remind' | 'resolve' | 'test';

/**
 * One message to one receiver: a group of alerts (Alertmanager's group_by), rendered and sanitized once.
 * `id` is the idempotency key (alert fingerprints, transition, receiver): delivering the same id twice is a no-op.
 */
export interface Notification {
  id: string;
  receiver: string;
  groupKey: string;
  kind: NotificationKind;
  status: 'firing' | 'resolved';
  /** The most severe alert of the group. */
  severity: Severity;
  /** Headline for the whole group, e.g. `[CRITICAL] time-to-oom on codex-pooler-app-0 (+1 more)`. */
  title: string;
  alerts: AlertItem[];
  /** ISO-8601 time of the evaluation that produced it. */
  createdAt: string;
}
