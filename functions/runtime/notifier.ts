import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import type { Channel } from '../channels/channel.ts';
import { createChannel } from '../channels/registry.ts';
import type { AlertState, Transition } from '../core/alerts/index.ts';
import { emptyGrouperState, type GrouperState } from '../core/routing/index.ts';
import { createSanitizer, type Sanitizer } from '../core/sanitize/index.ts';
import { FileLedger, Outbox, type DeliveryJob, type DrainOptions, type DrainResult, type Ledger } from '../platform/delivery/index.ts';
import { sendHttp } from '../platform/http.ts';
import type { Logger } from '../platform/logger.ts';
import { registeredSecretValues, resolveSecret } from '../platform/secrets.ts';
import { acceptExternal, planProbeJobs, type ExternalBatch, type JobSink } from './plan-jobs.ts';

export { routable, type JobSink } from './plan-jobs.ts';

export interface NotifierOptions {
  config: Config;
  logger: Logger;
  out?: { write(text: string): unknown };
  env?: NodeJS.ProcessEnv;
  now?: () => number;
  grouper?: GrouperState;
  /** Idempotency ledger; default the local `<state.dir>/ledger.json` (the AWS runtime injects DynamoDB). */
  ledger?: Ledger;
  /** Where routed jobs go; default the local outbox (the AWS runtime injects SQS). */
  sink?: JobSink;
}

/**
 * The one alert pipeline of the local runtime: route (matchers, inhibition, silences, grouping), render and
 * sanitize once, hand to the durable outbox, deliver with retries, fallback and dead letters.
 */
export class Notifier {
  #grouper: GrouperState;
  readonly outbox: Outbox;
  readonly #channels: Map<string, Channel>;
  readonly #ledger: Ledger;
  readonly #sink: JobSink;

  private constructor(
    private readonly opts: NotifierOptions,
    channels: Map<string, Channel>,
  ) {
    const { config, logger } = opts;
    const dir = config.state.dir;
    this.#grouper = opts.grouper ?? emptyGrouperState();
    this.#channels = channels;
    this.#ledger = opts.ledger ?? new FileLedger(join(dir, 'ledger.json'), { logger, ...(opts.now ? { now: opts.now } : {}) });
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
    this.#sink = opts.sink ?? this.outbox;
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
    const { jobs, grouper } = planProbeJobs({ config: this.opts.config, grouper: this.#grouper, transitions, lookup, sanitize: this.sanitizer(), now, logger: this.opts.logger });
    if (jobs.length > 0) await this.#sink.enqueue(jobs);
    this.#grouper = grouper;
    return jobs;
  }

  /**
   * Alerts from an in-cluster Alertmanager: already grouped and timed by it, so they skip our grouper and go
   * straight through route matching, silences and inhibition to the outbox — one notification per receiver.
   * Resolves once the jobs are durable (the webhook answers 2xx only then); `key` makes a retried webhook a no-op.
   */
  async routeExternal(batch: ExternalBatch, now: number): Promise<'accepted' | 'duplicate'> {
    return acceptExternal(batch, { config: this.opts.config, ledger: this.#webhookMarks, sink: this.#sink, logger: this.opts.logger, now });
  }

  /**
   * Webhook keys seen by this process. Locally the mark only spares work on a retried webhook — what prevents a
   * second notification is the job id, checked against the ledger at delivery — so it lives in memory and costs
   * the webhook's 200 no disk round trip. (On AWS, where invocations share nothing, the DynamoDB ledger holds it.)
   */
  readonly #recentWebhooks = new Set<string>();
  readonly #webhookMarks = {
    has: async (id: string) => this.#recentWebhooks.has(id),
    record: async (id: string) => {
      if (this.#recentWebhooks.size >= 10_000) this.#recentWebhooks.delete(this.#recentWebhooks.values().next().value as string);
      this.#recentWebhooks.add(id);
    },
  };

  #draining: Promise<DrainResult> | undefined;
  #followUp: Promise<DrainResult> | undefined;
  /** What the queued follow-up drain runs with: the latest caller's deadline, and the signal of every caller waiting for it. */
  #followUpOpts: { deadlineMs?: number; signals: AbortSignal[] } | undefined;

  /**
   * Delivers everything pending (this round's jobs and any left by an earlier run). Drains run one at a time in
   * this process: a call during a drain gets exactly one follow-up drain (shared by every such call), which starts
   * when the current one ends and so sees whatever was enqueued meanwhile — the probe loop and webhook bursts never
   * drain side by side and fight over claims and the outbox lock. The follow-up runs to the deadline of the latest
   * call, and is aborted by the signal of any call sharing it (a shutdown must not wait for it; what it leaves stays
   * pending in the outbox).
   */
  drain(opts: DrainOptions = {}): Promise<DrainResult> {
    if (!this.#draining) {
      const run = this.outbox.drain((receiver) => this.#channels.get(receiver), opts);
      this.#draining = run.finally(() => (this.#draining = undefined));
      return this.#draining;
    }
    const signals = this.#followUpOpts?.signals ?? [];
    this.#followUpOpts = {
      ...(opts.deadlineMs === undefined ? {} : { deadlineMs: opts.deadlineMs }),
      signals: opts.signal && !signals.includes(opts.signal) ? [...signals, opts.signal] : signals,
    };
    this.#followUp ??= this.#draining
      .catch(() => undefined)
      .then(() => {
        const next = this.#followUpOpts;
        this.#followUp = undefined;
        this.#followUpOpts = undefined;
        return this.drain(followUpDrainOptions(next));
      });
    return this.#followUp;
  }

  /** Resolves when no drain is running or queued (shutdown). */
  async idle(): Promise<void> {
    while (this.#draining || this.#followUp) await (this.#followUp ?? this.#draining)!.catch(() => undefined);
  }
}

function followUpDrainOptions(next: { deadlineMs?: number; signals: AbortSignal[] } | undefined): DrainOptions {
  const signals = next?.signals ?? [];
  const signal = signals.length <= 1 ? signals[0] : AbortSignal.any(signals);
  return { ...(next?.deadlineMs === undefined ? {} : { deadlineMs: next.deadlineMs }), ...(signal ? { signal } : {}) };
}
