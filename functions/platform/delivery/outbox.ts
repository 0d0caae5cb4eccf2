import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { Channel } from '../../channels/channel.ts';
import type { Logger } from '../logger.ts';
import { DEFAULT_DEAD_LETTER_PATH } from './dead-letter.ts';
import { deliverJob } from './deliver-job.ts';
import type { DeliverJobDeps, DeliveryFailure, RetryTuning } from './deliver-job.ts';
import { DeliveryJobSchema } from './job.ts';
import type { DeliveryJob } from './job.ts';
import { runLanes, toLanes } from './lanes.ts';
import type { Ledger } from './ledger.ts';
import { OutboxFile } from './outbox-file.ts';
import type { RetryOptions } from './retry.ts';

/** Options of {@link Outbox}. */
export interface OutboxOptions {
  /** Default `.pooler-watch/outbox.jsonl`. */
  path?: string;
  /** Default `.pooler-watch/dead-letter.jsonl`. */
  deadLetterPath?: string;
  ledger: Ledger;
  logger: Logger;
  /** Receivers delivered at the same time; default 4. Jobs of one receiver go one at a time, in order. */
  concurrency?: number;
  /**
   * Time one job may spend on attempts and waits, from its first attempt and across drains (a drain cut short by
   * its own deadline records the job's progress; the next one goes on from it); default 120 s.
   */
  jobBudgetMs?: number;
  /** Claim lease; default `jobBudgetMs` + 30 s, so a live run's claim outlasts its retries. */
  leaseMs?: number;
  retry?: RetryTuning;
  /** Identity of this run in claims; default `<host>:<pid>:<random>`. */
  owner?: string;
  now?: () => number;
  sleep?: RetryOptions['sleep'];
  random?: () => number;
}

/** Options of one {@link Outbox.drain}. */
export interface DrainOptions {
  /** Absolute end of this drain (ms since epoch on the outbox clock), e.g. a Lambda's remaining time. */
  deadlineMs?: number;
  /** Shutdown: in-flight attempts are aborted and their jobs stay pending. */
  signal?: AbortSignal;
}

/** What a drain did. Failures are reported here and logged; nothing fails silently. */
export interface DrainResult {
  sent: string[];
  /** Already in the ledger (duplicate evaluation, overlapping run): not sent again. */
  duplicates: string[];
  /** Primaries that failed for good and were handed to their fallback receiver. */
  primaryFailures: DeliveryFailure[];
  deadLettered: DeliveryFailure[];
  /**
   * Left pending: held by another live run, or cut short by this drain's deadline or abort while the job's own budget
   * and attempts last (how far it got is recorded; the next drain goes on from there).
   */
  deferred: string[];
  /** Storage errors (ledger, files) by job id; those jobs stay pending. */
  errors: Array<{ id: string; error: string }>;
  /** Unreadable outbox lines (`line N: …`), moved to `<outbox>.rejected` by compaction. */
  badLines: string[];
  /** Jobs still in the outbox after compaction. */
  pending: number;
}

const MAX_ROUNDS = 3;

/**
 * The local durable delivery queue (`pooler-watch run`; SQS + DLQ play this part on AWS).
 *
 * Guarantee: **at least once, with an idempotency key**. `enqueue` fsyncs before it returns, so the caller
 * acknowledges an alert transition only once its jobs are durable. A job is recorded in the ledger only
 * after the vendor accepted it, so a process killed between the vendor's answer and that record (at most
 * one in-flight job per receiver, `concurrency` in all) sends that job again on the next drain — with
 * the same id, which the vendor dedups (PagerDuty `dedup_key`, Opsgenie `alias`, webhook
 * `X-Pooler-Watch-Id`); chat vendors (Slack, Teams…) have no such key and may show it twice. Everything
 * recorded is never re-sent; nothing enqueued is lost (it ends sent, handed to a fallback, or dead-lettered).
 */
export class Outbox {
  readonly path: string;
  readonly deadLetterPath: string;
  readonly #file: OutboxFile;
  readonly #o: OutboxOptions;
  readonly #owner: string;

  constructor(options: OutboxOptions) {
    this.#o = options;
    this.path = options.path ?? join('.pooler-watch', 'outbox.jsonl');
    this.deadLetterPath = options.deadLetterPath ?? DEFAULT_DEAD_LETTER_PATH;
    this.#file = new OutboxFile(this.path);
    this.#owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  /** Appends jobs durably (fsync) — call it before acknowledging the alert transition. */
  async enqueue(jobs: DeliveryJob[]): Promise<void> {
    for (const job of jobs) DeliveryJobSchema.parse(job);
    await this.#file.append(jobs.map((job) => ({ type: 'job' as const, job })));
  }

  /** Pending jobs in enqueue order, and unreadable lines by number. */
  async pending(): Promise<{ jobs: DeliveryJob[]; badLines: string[] }> {
    const read = await this.#file.read();
    return { jobs: read.jobs, badLines: read.bad.map((b) => b.error) };
  }

  /**
   * Delivers every pending job (including jobs left by a run that died), then compacts the file.
   * Receivers run concurrently (at most `concurrency`), jobs of one receiver one after another in
   * enqueue order (so a group's trigger precedes its resolve), all-settled: a broken channel only ever
   * holds its own lane. Fallback jobs created on the way are delivered in the same drain.
   */
  async drain(resolveChannel: (receiver: string) => Channel | undefined, opts: DrainOptions = {}): Promise<DrainResult> {
    const o = this.#o;
    const now = o.now ?? Date.now;
    const jobBudgetMs = o.jobBudgetMs ?? 120_000;
    const deps: DeliverJobDeps = {
      ledger: o.ledger, outbox: this.#file, deadLetterPath: this.deadLetterPath, logger: o.logger, owner: this.#owner,
      leaseMs: o.leaseMs ?? jobBudgetMs + 30_000, jobBudgetMs, retry: o.retry ?? {}, now, resolveChannel,
      ...(o.sleep ? { sleep: o.sleep } : {}), ...(o.random ? { random: o.random } : {}),
      ...(opts.deadlineMs === undefined ? {} : { drainDeadlineMs: opts.deadlineMs }), ...(opts.signal ? { signal: opts.signal } : {}),
    };
    const result: DrainResult = { sent: [], duplicates: [], primaryFailures: [], deadLettered: [], deferred: [], errors: [], badLines: [], pending: 0 };
    const seen = new Set<string>();
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const read = await this.#file.read();
      if (round === 0) {
        result.badLines = read.bad.map((b) => b.error);
        for (const error of result.badLines) o.logger.warn('outbox line unreadable', { path: this.path, error });
      }
      const todo = read.jobs.filter((j) => !seen.has(j.id));
      if (todo.length === 0) break;
      for (const j of todo) seen.add(j.id);
      await runLanes(
        toLanes(todo, (j) => j.receiver),
        o.concurrency ?? 4,
        async (job) => {
          const out = await deliverJob(job, deps, read.progress.get(job.id));
          if (out.kind === 'sent') result.sent.push(out.id);
          else if (out.kind === 'duplicate') result.duplicates.push(out.id);
          else if (out.kind === 'deferred') result.deferred.push(out.id);
          else if (out.kind === 'fallback') result.primaryFailures.push(out.failure);
          else result.deadLettered.push(out.failure);
        },
        (job, err) => {
          const error = err instanceof Error ? `${err.name}: ${err.message}` : 'unknown error';
          result.errors.push({ id: job.id, error });
          o.logger.error('delivery storage error', { receiver: job.receiver, id: job.id, error });
        },
      );
    }
    result.pending = await this.#file.compact();
    return result;
  }
}
