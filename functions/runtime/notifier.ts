import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import type { Receiver } from '../config/alerting.ts';
import type { Channel } from '../channels/channel.ts';
import { createChannel } from '../channels/registry.ts';
import type { AlertState, Transition } from '../core/alerts/index.ts';
import { buildNotification, renderProbeAlert } from '../core/render/render.ts';
import type { AlertItem } from '../core/render/types.ts';
import { activeSilence, emptyGrouperState, isInhibited, markGroupSent, matchRoutes, planNotifications, type GroupBatch, type GrouperState, type RoutableAlert } from '../core/routing/index.ts';
import { createSanitizer, type Sanitizer } from '../core/sanitize/index.ts';
import { FileLedger, Outbox, type DeliveryJob, type DrainResult, type Ledger } from '../platform/delivery/index.ts';
import { sendHttp } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import { registeredSecretValues, resolveSecret } from '../platform/secrets.ts';

export interface NotifierOptions {
  config: Config;
  logger: Logger;
  out?: { write(text: string): unknown };
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  grouper?: GrouperState;
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

/**
 * The one alert pipeline of the local runtime: route (matchers, inhibition, silences, grouping), render and
 * sanitize once, hand to the durable outbox, deliver with retries, fallback and dead letters.
 */
export class Notifier {
  #grouper: GrouperState;
  readonly outbox: Outbox;
  readonly #channels: Map<string, Channel>;
  readonly #receivers: Map<string, Receiver>;
  readonly #ledger: Ledger;

  private constructor(
    private readonly opts: NotifierOptions,
    channels: Map<string, Channel>,
  ) {
    const { config, logger } = opts;
    const dir = config.state.dir;
    this.#grouper = opts.grouper ?? emptyGrouperState();
    this.#channels = channels;
    this.#receivers = new Map(config.receivers.map((r) => [r.name, r]));
    this.#ledger = new FileLedger(join(dir, 'ledger.json'), { logger, ...(opts.now ? { now: opts.now } : {}) });
    this.outbox = new Outbox({
      path: join(dir, 'outbox.jsonl'),
      deadLetterPath: join(dir, 'dead-letter.jsonl'),
      ledger: this.#ledger,
      logger,
      concurrency: config.delivery.concurrency,
      jobBudgetMs: config.delivery.deadline,
      retry: {
        maxAttempts: config.delivery.maxAttempts,
        perAttemptTimeoutMs: config.delivery.perAttemptTimeout,
        baseDelayMs: config.delivery.baseDelay,
        maxDelayMs: config.delivery.maxDelay,
      },
      ...(opts.now ? { now: opts.now } : {}),
    });
  }

  /** Builds every receiver's channel once, resolving its secrets; a missing secret fails here, at start-up. */
  static async create(opts: NotifierOptions): Promise<Notifier> {
    const env = opts.env ?? process.env;
    const deps = {
      resolveSecret: (ref: Parameters<typeof resolveSecret>[0]) => resolveSecret(ref, env),
      http: sendHttp,
      now: opts.now ?? Date.now,
      ...(opts.out ? { out: opts.out } : {}),
    };
    const channels = new Map<string, Channel>();
    for (const r of opts.config.receivers) channels.set(r.name, await createChannel(r.name, r.channel, deps));
    return new Notifier(opts, channels);
  }

  channel(receiver: string): Channel | undefined {
    return this.#channels.get(receiver);
  }

  grouperState(): GrouperState {
    return this.#grouper;
  }

  /** A sanitizer that knows every secret resolved so far (targets' and channels' alike). */
  sanitizer(): Sanitizer {
    return createSanitizer({ secrets: registeredSecretValues() });
  }

  /**
   * Routes this round's transitions and enqueues the notifications that are due, durably, before returning:
   * the caller may acknowledge the transitions once this resolves. `lookup` gives the alert state to render.
   */
  async route(transitions: Transition[], lookup: (fingerprint: string) => AlertState | undefined, now: number): Promise<DeliveryJob[]> {
    const plan = planNotifications(this.#grouper, transitions.map(routable), this.opts.config.routing, now);
    for (const m of plan.muted) this.opts.logger.info('alert muted', { fingerprint: m.fingerprint, reason: m.reason, by: m.by });
    const times = Object.fromEntries(transitions.map((t) => [t.state.fingerprint, t.event.ts]));
    const sanitize = this.sanitizer();
    const jobs: DeliveryJob[] = [];
    for (const batch of plan.due) {
      const job = this.#job(batch, lookup, times, sanitize, now);
      if (job) jobs.push(job);
    }
    if (jobs.length > 0) await this.outbox.enqueue(jobs);
    let state = plan.state;
    for (const batch of plan.due) state = markGroupSent(state, batch.groupKey, batch.receiver, now);
    this.#grouper = state;
    return jobs;
  }

  #job(batch: GroupBatch, lookup: (fp: string) => AlertState | undefined, times: Record<string, string>, sanitize: Sanitizer, now: number): DeliveryJob | undefined {
    const receiver = this.#receivers.get(batch.receiver);
    const alerts: AlertItem[] = [];
    for (const a of batch.alerts) {
      if (a.status === 'resolved' && receiver?.sendResolved === false) continue;
      const state = lookup(a.fingerprint);
      if (!state) continue;
      alerts.push({ ...renderProbeAlert(state, a.status, now, { links: this.opts.config.links, sanitize }), action: a.action });
    }
    if (alerts.length === 0) return undefined;
    const kind = alerts.some((a) => a.status === 'firing') ? batch.kind : 'resolve';
    const notification = buildNotification({ receiver: batch.receiver, groupKey: batch.groupKey, kind, alerts, transitionTimes: times, now });
    return {
      id: notification.id,
      receiver: batch.receiver,
      ...(batch.fallback ? { fallback: batch.fallback } : {}),
      notification,
      enqueuedAt: new Date(now).toISOString(),
    };
  }

  /**
   * Alerts from an in-cluster Alertmanager: already grouped and timed by it, so they skip our grouper and go
   * straight through route matching, silences and inhibition to the outbox — one notification per receiver.
   * Resolves once the jobs are durable (the webhook answers 2xx only then); `key` makes a retried webhook a no-op.
   */
  async routeExternal(batch: { key: string; alerts: Array<{ routable: RoutableAlert; item: AlertItem }> }, now: number): Promise<'accepted' | 'duplicate'> {
    const marker = `webhook:${batch.key}`;
    if (await this.#ledger.has(marker)) return 'duplicate';
    const { routing } = this.opts.config;
    const firing = batch.alerts.filter((a) => a.routable.status === 'firing').map((a) => a.routable.labels);
    const perReceiver = new Map<string, { fallback?: string; items: AlertItem[] }>();
    for (const { routable: r, item } of batch.alerts) {
      const silence = activeSilence(r.labels, routing.silences, now);
      if (silence || (r.status === 'firing' && isInhibited(r.labels, firing, routing.inhibitRules))) {
        this.opts.logger.info('alert muted', { fingerprint: r.fingerprint, reason: silence ? 'silenced' : 'inhibited' });
        continue;
      }
      for (const route of matchRoutes(r.labels, routing.route)) {
        if (r.status === 'resolved' && this.#receivers.get(route.receiver)?.sendResolved === false) continue;
        const entry = perReceiver.get(route.receiver) ?? { ...(route.fallback ? { fallback: route.fallback } : {}), items: [] };
        // Alertmanager re-sends a group on its own repeat: to us every firing alert in it is news to pass on.
        entry.items.push({ ...item, action: r.status === 'firing' ? 'trigger' : 'resolve' });
        perReceiver.set(route.receiver, entry);
      }
    }
    const jobs: DeliveryJob[] = [...perReceiver].map(([receiver, { fallback, items }]) => {
      const kind = items.some((i) => i.status === 'firing') ? 'trigger' : 'resolve';
      const notification = buildNotification({ receiver, groupKey: batch.key, kind, alerts: items, transitionTimes: Object.fromEntries(items.map((i) => [i.fingerprint, i.startsAt])), now });
      return { id: notification.id, receiver, ...(fallback ? { fallback } : {}), notification, enqueuedAt: new Date(now).toISOString() };
    });
    if (jobs.length > 0) await this.outbox.enqueue(jobs);
    await this.#ledger.record(marker);
    return 'accepted';
  }

  /** Delivers everything pending (this round's jobs and any left by an earlier run). */
  drain(opts: { deadlineMs?: number; signal?: AbortSignal } = {}): Promise<DrainResult> {
    return this.outbox.drain((receiver) => this.#channels.get(receiver), opts);
  }
}
