import { createHash } from 'node:crypto';
import type { AlertState } from '../alerts/types.ts';
import type { Severity } from '../types.ts';
import { humanizeEvidence } from './humanize.ts';
import { sparkline } from './sparkline.ts';
import type { AlertItem, Link, Notification, NotificationKind } from './types.ts';

/** The part of the sanitizer rendering needs; core/sanitize provides it. */
export interface RenderSanitizer {
  text(s: string): string;
  url(u: string): string;
  labels(l: Record<string, string>): Record<string, string>;
}

export interface RenderLinks {
  runbook?: string;
  dashboard?: string;
}

const RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

export function mostSevere(severities: Severity[]): Severity {
  return severities.reduce<Severity>((worst, s) => (RANK[s] < RANK[worst] ? s : worst), 'info');
}

function links(l: RenderLinks, clean: RenderSanitizer): Link[] {
  const out: Link[] = [];
  if (l.runbook) out.push({ title: 'Runbook', url: clean.url(l.runbook) });
  if (l.dashboard) out.push({ title: 'Dashboard', url: clean.url(l.dashboard) });
  return out;
}

/**
 * A probe alert's wording, rendered once and sanitized here: channels only shape it. The finding's own text is
 * ours, but it quotes label values from the scraped exposition, so it goes through the sanitizer like anything else.
 */
export function renderProbeAlert(state: AlertState, status: 'firing' | 'resolved', now: number, opts: { links: RenderLinks; sanitize: RenderSanitizer }): AlertItem {
  const f = state.finding;
  const clean = opts.sanitize;
  const series = f.series ?? [];
  const limit = typeof f.evidence.limitBytes === 'number' ? f.evidence.limitBytes : undefined;
  const minutes = series.length > 1 ? Math.round((series[series.length - 1]![0] - series[0]![0]) / 60_000) : 0;
  return {
    fingerprint: state.fingerprint,
    status,
    severity: state.severity,
    rule: state.rule,
    pod: clean.text(state.pod),
    target: clean.text(state.target),
    source: 'probe',
    title: clean.text(`${state.rule} on ${state.pod}`),
    summary: clean.text(f.summary),
    hint: clean.text(f.hint),
    promql: clean.text(f.promql),
    evidence: humanizeEvidence(f.evidence).map((e) => ({ name: clean.text(e.name), value: clean.text(e.value) })),
    ...(series.length > 1
      ? {
          sparkline: {
            text: sparkline(series.map(([, v]) => v), { ceiling: limit, floor: limit === undefined ? undefined : 0 }),
            caption: `last ${minutes} min${limit === undefined ? '' : ', scaled to the memory limit'}`,
          },
        }
      : {}),
    startsAt: new Date(state.firedAt ?? state.activeSince ?? now).toISOString(),
    ...(status === 'resolved' ? { endsAt: new Date(now).toISOString() } : {}),
    links: links(opts.links, clean),
    labels: clean.labels({ severity: state.severity, rule: state.rule, pod: state.pod, target: state.target, source: 'probe', status }),
  };
}

/**
 * The idempotency key of a notification: receiver, group, and each alert's (fingerprint, transition, time).
 * Re-running the same evaluation yields the same id, so a retry or a duplicate never notifies twice.
 */
export function notificationId(receiver: string, groupKey: string, kind: NotificationKind, parts: Array<{ fingerprint: string; status: string; at: string }>): string {
  const canonical = JSON.stringify([receiver, groupKey, kind, [...parts].sort((a, b) => (a.fingerprint < b.fingerprint ? -1 : 1))]);
  return `n-${createHash('sha256').update(canonical).digest('hex').slice(0, 24)}`;
}

export function notificationTitle(kind: NotificationKind, alerts: AlertItem[]): string {
  const first = alerts[0];
  if (!first) return '[EMPTY]';
  const tag = kind === 'test' ? 'TEST' : kind === 'resolve' ? 'RESOLVED' : mostSevere(alerts.map((a) => a.severity)).toUpperCase();
  const more = alerts.length > 1 ? ` (+${alerts.length - 1} more)` : '';
  return `[${tag}] ${first.title}${more}`;
}

/** Bundles rendered alerts of one group for one receiver. */
export function buildNotification(args: {
  receiver: string;
  groupKey: string;
  kind: NotificationKind;
  alerts: AlertItem[];
  transitionTimes: Record<string, string>;
  now: number;
}): Notification {
  const { receiver, groupKey, kind, alerts } = args;
  const firing = alerts.filter((a) => a.status === 'firing');
  return {
    id: notificationId(
      receiver,
      groupKey,
      kind,
      alerts.map((a) => ({ fingerprint: a.fingerprint, status: a.status, at: args.transitionTimes[a.fingerprint] ?? '' })),
    ),
    receiver,
    groupKey,
    kind,
    status: firing.length > 0 ? 'firing' : 'resolved',
    severity: mostSevere(alerts.map((a) => a.severity)),
    title: notificationTitle(kind, alerts),
    alerts,
    createdAt: new Date(args.now).toISOString(),
  };
}
