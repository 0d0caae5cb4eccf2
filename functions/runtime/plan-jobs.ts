import type { Config } from '../config/schema.ts';
import type { AlertState, Transition } from '../core/alerts/index.ts';
import { buildNotification, renderProbeAlert } from '../core/render/render.ts';
import type { AlertItem } from '../core/render/types.ts';
import { activeSilence, isInhibited, markGroupSent, matchRoutes, planNotifications, type GroupBatch, type GrouperState, type RoutableAlert } from '../core/routing/index.ts';
import type { Sanitizer } from '../core/sanitize/index.ts';
import type { DeliveryJob, Ledger } from '../platform/delivery/index.ts';
import type { Logger } from '../platform/logger.ts';

/**
 * Where routed jobs go, durably, before the caller acknowledges anything: the local outbox file, or SQS.
 * `enqueue` resolves only once every job is accepted, and throws otherwise.
 */
export interface JobSink {
  enqueue(jobs: DeliveryJob[]): Promise<void>;
}

/** Turns a transition into what routing reads: its labels are the alert's identity, never scraped label soup. */
export function routable(t: Transition): RoutableAlert {
  const s = t.state;
  return {
    fingerprint: s.fingerprint,
    status: t.event.status,
    action: t.action,
    severity: s.severity,
    labels: { rule: s.rule, pod: s.pod, target: s.target, severity: s.severity, status: t.event.status, source: 'probe' },
  };
}

/** The config {@link planProbeJobs} reads: routing, links, and of each receiver its name and `sendResolved`. */
export type RoutingSections = Pick<Config, 'routing' | 'links'> & { receivers: ReadonlyArray<Pick<Config['receivers'][number], 'name' | 'sendResolved'>> };

/** What {@link planExternalJobs} reads: already rendered, external alerts need no links. */
export type ExternalRoutingSections = Pick<RoutingSections, 'routing' | 'receivers'>;

/** What {@link planProbeJobs} needs: config, the grouper state before the round, and how to render. */
export interface PlanProbeInput {
  config: RoutingSections;
  grouper: GrouperState;
  transitions: Transition[];
  /** The alert state to render, by fingerprint (the watcher's). */
  lookup: (fingerprint: string) => AlertState | undefined;
  sanitize: Sanitizer;
  now: number;
  logger: Logger;
}

/**
 * A probe round's notifications, pure (no I/O): route (matchers, inhibition, silences, grouping), render and
 * sanitize once. Returns the jobs that are due and the grouper state *as if they were sent*; the caller
 * commits that state only together with (or after) handing the jobs to a durable sink.
 */
export function planProbeJobs(input: PlanProbeInput): { jobs: DeliveryJob[]; grouper: GrouperState } {
  const { config, now } = input;
  const plan = planNotifications(currentSeverities(input.grouper, input.lookup), input.transitions.map(routable), config.routing, now);
  for (const m of plan.muted) input.logger.info('alert muted', { fingerprint: m.fingerprint, reason: m.reason, by: m.by });
  const receivers = new Map(config.receivers.map((r) => [r.name, r]));
  const jobs: DeliveryJob[] = [];
  for (const batch of plan.due) {
    const job = batchJob(batch, receivers.get(batch.receiver)?.sendResolved !== false, input);
    if (job) jobs.push(job);
  }
  let grouper = plan.state;
  for (const batch of plan.due) grouper = markGroupSent(grouper, batch.groupKey, batch.receiver, now);
  return { jobs, grouper };
}

/**
 * The grouper's copies of firing alerts with the severity they have now. A drop in severity notifies nobody, so no
 * transition carries it, yet inhibition reads it: a memory-pressure back to warning must stop muting its pod's
 * warnings now, not at its next reminder.
 */
function currentSeverities(grouper: GrouperState, lookup: PlanProbeInput['lookup']): GrouperState {
  return {
    groups: grouper.groups.map((g) => ({
      ...g,
      alerts: g.alerts.map((e) => {
        const s = e.alert.status === 'firing' ? lookup(e.alert.fingerprint) : undefined;
        if (s?.status !== 'firing' || s.severity === e.alert.severity) return e;
        return { ...e, alert: { ...e.alert, severity: s.severity, labels: { ...e.alert.labels, severity: s.severity } } };
      }),
    })),
  };
}

/**
 * What makes one probe notification unique, and the same again if a crashed round is planned anew (its id is the
 * delivery ledger's idempotency key, kept 7 days): per alert the time of what it says — its latest trigger, its
 * firing start, or its resolve — and the group's previous send, so each reminder differs from the one before.
 * Batches fall due rounds after their transitions (groupWait, groupInterval), so this round's times are not enough.
 */
function episodeTimes(batch: GroupBatch, input: PlanProbeInput, states: ReadonlyMap<string, AlertState>): Record<string, string> {
  const group = input.grouper.groups.find((g) => g.groupKey === batch.groupKey && g.receiver === batch.receiver);
  const times: Record<string, string> = {};
  for (const a of batch.alerts) {
    const s = states.get(a.fingerprint);
    if (!s) continue;
    const at = a.action === 'trigger' ? s.triggeredAt : a.action === 'resolve' ? s.resolvedAt : s.firedAt;
    times[a.fingerprint] = `${at ?? ''}/${group?.lastSentAt ?? ''}`;
  }
  return times;
}

function batchJob(batch: GroupBatch, sendResolved: boolean, input: PlanProbeInput): DeliveryJob | undefined {
  const { now, sanitize } = input;
  const alerts: AlertItem[] = [];
  const states = new Map<string, AlertState>();
  let dropped = false;
  for (const a of batch.alerts) {
    if (a.status === 'resolved' && !sendResolved) {
      dropped = true;
      continue;
    }
    const state = input.lookup(a.fingerprint);
    if (!state) continue;
    states.set(a.fingerprint, state);
    alerts.push({ ...renderProbeAlert(state, a.status, now, { links: input.config.links, sanitize }), action: a.action });
  }
  const times = episodeTimes(batch, input, states);
  if (alerts.length === 0) return undefined;
  // Due only because a sibling resolved, which this receiver does not hear about: nothing new for it (as
  // Alertmanager's dedup stage decides with send_resolved false).
  if (dropped && !batch.reminder && !alerts.some((a) => a.action === 'trigger')) return undefined;
  const kind = alerts.some((a) => a.status === 'firing') ? batch.kind : 'resolve';
  // The group key holds label values (a pod, a check name): sanitized like every other string that leaves, and
  // deterministic, so threads and ids stay stable.
  const groupKey = sanitize.text(batch.groupKey);
  const notification = buildNotification({ receiver: batch.receiver, groupKey, kind, alerts, transitionTimes: times, now });
  return {
    id: notification.id,
    receiver: batch.receiver,
    ...(batch.fallback ? { fallback: batch.fallback } : {}),
    notification,
    enqueuedAt: new Date(now).toISOString(),
  };
}

/** A validated Alertmanager webhook, enriched: what {@link acceptExternal} routes. */
export interface ExternalBatch {
  key: string;
  /** The group key of its notifications (an Alertmanager group's, so they thread together); default `key`. */
  group?: string;
  alerts: Array<{ routable: RoutableAlert; item: AlertItem }>;
}

/**
 * Alerts from an in-cluster Alertmanager, pure: already grouped and timed by it, so they skip our grouper and go
 * straight through route matching, silences and inhibition — one job per receiver.
 */
export function planExternalJobs(batch: ExternalBatch, config: ExternalRoutingSections, now: number, logger: Logger): DeliveryJob[] {
  const { routing } = config;
  const receivers = new Map(config.receivers.map((r) => [r.name, r]));
  const firing = batch.alerts.filter((a) => a.routable.status === 'firing').map((a) => a.routable.labels);
  const perReceiver = new Map<string, { fallback?: string; items: AlertItem[] }>();
  for (const { routable: r, item } of batch.alerts) {
    // A resolve is never muted, as on the probe path: the incident a silenced alert opened must still be closed.
    const silence = r.status === 'firing' ? activeSilence(r.labels, routing.silences, now) : undefined;
    if (silence || (r.status === 'firing' && isInhibited(r.labels, firing, routing.inhibitRules))) {
      logger.info('alert muted', { fingerprint: r.fingerprint, reason: silence ? 'silenced' : 'inhibited' });
      continue;
    }
    for (const route of matchRoutes(r.labels, routing.route)) {
      if (r.status === 'resolved' && receivers.get(route.receiver)?.sendResolved === false) continue;
      const entry = perReceiver.get(route.receiver) ?? { ...(route.fallback ? { fallback: route.fallback } : {}), items: [] };
      // Alertmanager re-sends a group on its own repeat: to us every firing alert in it is news to pass on.
      entry.items.push({ ...item, action: r.status === 'firing' ? 'trigger' : 'resolve' });
      perReceiver.set(route.receiver, entry);
    }
  }
  return [...perReceiver].map(([receiver, { fallback, items }]) => {
    const kind = items.some((i) => i.status === 'firing') ? 'trigger' : 'resolve';
    const notification = buildNotification({ receiver, groupKey: batch.group ?? batch.key, kind, alerts: items, transitionTimes: Object.fromEntries(items.map((i) => [i.fingerprint, i.startsAt])), now });
    return { id: notification.id, receiver, ...(fallback ? { fallback } : {}), notification, enqueuedAt: new Date(now).toISOString() };
  });
}

/** The ledger key that marks a webhook (by its idempotency key) as accepted. */
export const webhookMarker = (key: string): string => `webhook:${key}`;

/**
 * Accept an Alertmanager batch: `duplicate` if its key was accepted before; else route it, hand the jobs to the
 * durable sink (outbox file, SQS) and only then record the key. Resolves once the jobs are durable — the webhook
 * answers 2xx only then. Two identical webhooks racing may both enqueue: the jobs share ids, so the delivery
 * ledger sends them once.
 */
export async function acceptExternal(
  batch: ExternalBatch,
  deps: { config: ExternalRoutingSections; ledger: Pick<Ledger, 'has' | 'record'>; sink: JobSink; logger: Logger; now: number },
): Promise<'accepted' | 'duplicate'> {
  const marker = webhookMarker(batch.key);
  if (await deps.ledger.has(marker)) return 'duplicate';
  const jobs = planExternalJobs(batch, deps.config, deps.now, deps.logger);
  if (jobs.length > 0) await deps.sink.enqueue(jobs);
  await deps.ledger.record(marker);
  return 'accepted';
}
