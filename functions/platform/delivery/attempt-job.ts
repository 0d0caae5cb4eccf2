import type { Channel, SendReceipt } from '../../channels/channel.ts';
import { ChannelError } from '../errors.ts';
import { errorFields } from './dead-letter.ts';
import { notificationForJob } from './job.ts';
import type { DeliveryJob } from './job.ts';
import type { Ledger } from './ledger.ts';
import { storedError } from './progress.ts';
import type { JobProgress } from './progress.ts';
import { DEFAULT_MAX_ATTEMPTS, deliverWithRetry } from './retry.ts';
import type { AttemptReport, RetryOptions } from './retry.ts';

/** How one attempt at a job ended, before the runtime settles it (outbox file locally, SQS on AWS). */
export type AttemptVerdict =
  /** The ledger already has it: a duplicate evaluation, an overlapping run, a redelivered message. */
  | { kind: 'duplicate' }
  /** Another live owner holds its claim. */
  | { kind: 'held' }
  | { kind: 'sent' }
  /**
   * A retryable failure cut short by shutdown or the outer deadline while the job still has budget and attempts
   * left: try again later. `progress` (when this call made attempts) is what the next try must go on from.
   */
  | { kind: 'deferred'; error: ChannelError; attempts: number; durationMs: number; progress?: JobProgress }
  /**
   * Failed for good (not retryable, or its attempts or budget exhausted, counting earlier tries' `progress`):
   * fallback or dead letter is the caller's. `attempts` counts earlier tries too.
   */
  | { kind: 'failed'; error: ChannelError; attempts: number; durationMs: number };

export interface AttemptJobDeps {
  ledger: Ledger;
  owner: string;
  leaseMs: number;
  now: () => number;
  /** Everything for {@link deliverWithRetry} but the deadline, channel, signal and reporting. */
  retry: Omit<RetryOptions, 'deadlineMs' | 'channel' | 'signal' | 'onAttempt' | 'now'>;
  /** Time one job may spend on attempts and waits, from its first attempt (earlier tries' included). */
  jobBudgetMs: number;
  /**
   * What earlier tries did (the local outbox keeps it across drains): the budget, the attempt count and the
   * owed Retry-After go on from there. Without it (SQS: the queue counts receives) every call starts afresh.
   */
  progress?: JobProgress;
  /** The outer deadline (a drain's or the Lambda's), if any. */
  outerDeadlineMs?: number;
  signal?: AbortSignal;
  channel: Channel | undefined;
  onAttempt: (report: AttemptReport, channel: string) => void;
}

/**
 * The delivery core both runtimes share: skip what the ledger has, claim, send with retries (threading a resolve
 * under its trigger's receipt), record. `settle` runs while the claim is still held, so whatever the caller does
 * with the verdict (mark done, queue a fallback, dead-letter) finishes before another worker may claim the job.
 */
export async function attemptJob<R>(job: DeliveryJob, d: AttemptJobDeps, settle: (verdict: AttemptVerdict) => Promise<R>): Promise<R> {
  if (await d.ledger.has(job.id)) return settle({ kind: 'duplicate' });
  const claim = await d.ledger.claim(job.id, d.owner, d.now(), d.leaseMs);
  if (!claim.ok) return settle({ kind: claim.reason === 'delivered' ? 'duplicate' : 'held' });
  try {
    return await settle(await send(job, d));
  } finally {
    await d.ledger.release(job.id, d.owner);
  }
}

async function send(job: DeliveryJob, d: AttemptJobDeps): Promise<AttemptVerdict> {
  const started = d.now();
  const p = d.progress;
  const prior = p?.attempts ?? 0;
  const firstAttemptAt = p?.firstAttemptAt ?? started;
  const jobDeadline = firstAttemptAt + d.jobBudgetMs;
  const maxAttempts = Math.max(1, d.retry.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const channel = d.channel;
  const earlier = p ? storedError(p.lastError) : undefined;
  if (!channel) return failed(new ChannelError({ channel: 'none', reason: 'unknown receiver', retryable: false }), prior, 0);
  // Spent by earlier tries (or maxAttempts lowered since): fail with their last error, attempting nothing more.
  if (earlier && (prior >= maxAttempts || started >= jobDeadline)) return failed(earlier, prior, 0);
  const deadlineMs = Math.min(jobDeadline, d.outerDeadlineMs ?? Infinity);
  const notification = notificationForJob(job);
  const previous = notification.kind !== 'trigger' ? await d.ledger.threadReceipt(job.receiver, notification.groupKey) : undefined;
  const result = await deliverWithRetry<SendReceipt | void>(
    ({ signal, timeoutMs }) => channel.send(notification, { signal, timeoutMs, ...(previous ? { previous } : {}) }),
    {
      ...d.retry,
      deadlineMs,
      attemptsMade: prior,
      ...(p?.retryNotBefore === undefined ? {} : { notBeforeMs: p.retryNotBefore }),
      channel: channel.type,
      now: d.now,
      ...(d.signal ? { signal: d.signal } : {}),
      onAttempt: (r) => d.onAttempt(r, channel.type),
    },
  );
  if (result.ok) {
    await d.ledger.record(job.id, result.value ?? undefined);
    if (result.value && notification.kind === 'trigger') await d.ledger.recordThread(job.receiver, notification.groupKey, result.value);
    return { kind: 'sent' };
  }
  const { attempts, retryAt } = result;
  // Nothing attempted this time (the deadline had passed, or a Retry-After is still owed): the earlier error stands.
  const error = attempts === prior && earlier ? earlier : result.error;
  const durationMs = d.now() - started;
  // Defer only while the job's own budget and attempts allow another try: the outer deadline (a drain's, a Lambda's)
  // is not the job's, but the next try goes on from `progress`, so repeated short drains still use them up.
  const later = error.retryable && attempts < maxAttempts && (retryAt ?? d.now()) < jobDeadline;
  if (!d.signal?.aborted && !later) return failed(error, attempts, durationMs);
  // The attempt a shutdown cut short says nothing about the vendor: it does not use up one of the job's attempts.
  const counted = d.signal?.aborted ? Math.max(prior, attempts - 1) : attempts;
  const progress: JobProgress | undefined =
    counted > prior ? { firstAttemptAt, attempts: counted, ...(retryAt === undefined ? {} : { retryNotBefore: retryAt }), lastError: errorFields(error) } : undefined;
  return { kind: 'deferred', error, attempts, durationMs, ...(progress ? { progress } : {}) };
}

function failed(error: ChannelError, attempts: number, durationMs: number): AttemptVerdict {
  return { kind: 'failed', error, attempts, durationMs };
}

/** The outcome of one attempt for the `delivery` log line (`failed` for a non-retried attempt error). */
export function attemptOutcome(r: AttemptReport): 'sent' | 'retry' | 'failed' {
  return r.error === undefined ? 'sent' : r.retryInMs !== undefined ? 'retry' : 'failed';
}

/** Log fields of one attempt: never a URL, header or body. */
export function attemptFields(r: AttemptReport): Record<string, unknown> {
  const err = r.error ? { ...(r.error.status === undefined ? {} : { status: r.error.status }), reason: r.error.reason } : {};
  return { attempt: r.attempt, ...err, durationMs: r.durationMs, ...(r.retryInMs === undefined ? {} : { retryInMs: r.retryInMs }) };
}
