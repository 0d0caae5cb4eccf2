import type { Channel, SendReceipt } from '../../channels/channel.ts';
import { ChannelError } from '../errors.ts';
import { notificationForJob } from './job.ts';
import type { DeliveryJob } from './job.ts';
import type { Ledger } from './ledger.ts';
import { DEFAULT_MAX_ATTEMPTS, deliverWithRetry } from './retry.ts';
import type { AttemptReport, RetryOptions } from './retry.ts';

/** How one attempt at a job ended, before the runtime settles it (outbox file locally, SQS on AWS). */
export type AttemptVerdict =
  /** The ledger already has it: a duplicate evaluation, an overlapping run, a redelivered message. */
  | { kind: 'duplicate' }
  /** Another live owner holds its claim. */
  | { kind: 'held' }
  | { kind: 'sent' }
  /** A retryable failure cut short by shutdown or the outer deadline, not by the job's own budget: try again later. */
  | { kind: 'deferred'; error: ChannelError; attempts: number; durationMs: number }
  /** Failed for good (retries or budget exhausted, or not retryable): fallback or dead letter is the caller's. */
  | { kind: 'failed'; error: ChannelError; attempts: number; durationMs: number };

export interface AttemptJobDeps {
  ledger: Ledger;
  owner: string;
  leaseMs: number;
  now: () => number;
  /** Everything for {@link deliverWithRetry} but the deadline, channel, signal and reporting. */
  retry: Omit<RetryOptions, 'deadlineMs' | 'channel' | 'signal' | 'onAttempt' | 'now'>;
  /** Time one job may spend on attempts and waits. */
  jobBudgetMs: number;
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
  const jobDeadline = started + d.jobBudgetMs;
  const deadlineMs = Math.min(jobDeadline, d.outerDeadlineMs ?? Infinity);
  const channel = d.channel;
  const notification = notificationForJob(job);
  const previous = channel && notification.kind !== 'trigger' ? await d.ledger.threadReceipt(job.receiver, notification.groupKey) : undefined;
  const result = channel
    ? await deliverWithRetry<SendReceipt | void>(
        ({ signal, timeoutMs }) => channel.send(notification, { signal, timeoutMs, ...(previous ? { previous } : {}) }),
        { ...d.retry, deadlineMs, channel: channel.type, now: d.now, ...(d.signal ? { signal: d.signal } : {}), onAttempt: (r) => d.onAttempt(r, channel.type) },
      )
    : { ok: false as const, attempts: 0, error: new ChannelError({ channel: 'none', reason: 'unknown receiver', retryable: false }) };
  if (result.ok) {
    await d.ledger.record(job.id, result.value ?? undefined);
    if (result.value && notification.kind === 'trigger') await d.ledger.recordThread(job.receiver, notification.groupKey, result.value);
    return { kind: 'sent' };
  }
  const durationMs = d.now() - started;
  const maxAttempts = d.retry.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const cutShort = d.signal?.aborted || (result.error.retryable && ((deadlineMs < jobDeadline && result.attempts < maxAttempts) || result.attempts === 0));
  return { kind: cutShort ? 'deferred' : 'failed', error: result.error, attempts: result.attempts, durationMs };
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
