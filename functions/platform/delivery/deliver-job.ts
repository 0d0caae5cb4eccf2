import type { Channel, SendReceipt } from '../../channels/channel.ts';
import { ChannelError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { appendDeadLetter, errorFields } from './dead-letter.ts';
import type { DeadLetterError } from './dead-letter.ts';
import { fallbackJob, notificationForJob } from './job.ts';
import type { DeliveryJob } from './job.ts';
import type { Ledger } from './ledger.ts';
import type { OutboxFile } from './outbox-file.ts';
import { DEFAULT_MAX_ATTEMPTS, deliverWithRetry } from './retry.ts';
import type { AttemptReport, RetryOptions } from './retry.ts';

/** The outcome names of the `delivery` log line. */
export type DeliveryOutcome = 'sent' | 'retry' | 'failed' | 'dead-letter' | 'fallback' | 'duplicate';

/** A job that failed for good (reported by a drain, never silent). */
export interface DeliveryFailure {
  id: string;
  receiver: string;
  attempts: number;
  error: DeadLetterError;
  /** Set when the failure was handed to a fallback receiver. */
  fallbackId?: string;
}

/** What happened to one job in a drain. */
export type JobOutcome =
  | { kind: 'sent'; id: string }
  | { kind: 'duplicate'; id: string }
  | { kind: 'fallback'; failure: DeliveryFailure }
  | { kind: 'dead-letter'; failure: DeliveryFailure }
  /** Left pending: held by another live run, or cut short by the drain's deadline or abort. */
  | { kind: 'deferred'; id: string };

/** Retry tuning a drain passes on to {@link deliverWithRetry}. */
export type RetryTuning = Pick<RetryOptions, 'baseDelayMs' | 'maxDelayMs' | 'maxAttempts' | 'perAttemptTimeoutMs'>;

/** Everything one job's delivery needs. */
export interface DeliverJobDeps {
  ledger: Ledger;
  outbox: OutboxFile;
  deadLetterPath: string;
  logger: Logger;
  owner: string;
  leaseMs: number;
  jobBudgetMs: number;
  retry: RetryTuning;
  now: () => number;
  sleep?: RetryOptions['sleep'];
  random?: () => number;
  resolveChannel: (receiver: string) => Channel | undefined;
  /** Absolute end of the whole drain (e.g. the Lambda's remaining time), if any. */
  drainDeadlineMs?: number;
  signal?: AbortSignal;
}

/**
 * Delivers one job: skip if the ledger has it, claim it, send with retries, then record + mark done,
 * or hand it to its fallback receiver, or dead-letter it. The claim is released whatever happens.
 */
export async function deliverJob(job: DeliveryJob, d: DeliverJobDeps): Promise<JobOutcome> {
  const iso = () => new Date(d.now()).toISOString();
  const line = (outcome: DeliveryOutcome, channel: string, fields: Record<string, unknown>) => {
    const level = outcome === 'sent' || outcome === 'duplicate' ? 'info' : outcome === 'dead-letter' ? 'error' : 'warn';
    d.logger[level]('delivery', { receiver: job.receiver, channel, id: job.id, outcome, ...fields });
  };
  const duplicate = async (): Promise<JobOutcome> => {
    line('duplicate', 'none', { attempt: 0, durationMs: 0 });
    await d.outbox.markDone(job.id, 'duplicate', iso());
    return { kind: 'duplicate', id: job.id };
  };
  if (await d.ledger.has(job.id)) return duplicate();
  const claim = await d.ledger.claim(job.id, d.owner, d.now(), d.leaseMs);
  if (!claim.ok) return claim.reason === 'delivered' ? duplicate() : { kind: 'deferred', id: job.id };
  try {
    const channel = d.resolveChannel(job.receiver);
    const name = channel?.type ?? 'none';
    const started = d.now();
    const jobDeadline = started + d.jobBudgetMs;
    const deadlineMs = Math.min(jobDeadline, d.drainDeadlineMs ?? Infinity);
    const report = (r: AttemptReport) => {
      const outcome = r.error === undefined ? 'sent' : r.retryInMs !== undefined ? 'retry' : 'failed';
      const err = r.error ? { ...(r.error.status === undefined ? {} : { status: r.error.status }), reason: r.error.reason } : {};
      line(outcome, name, { attempt: r.attempt, ...err, durationMs: r.durationMs, ...(r.retryInMs === undefined ? {} : { retryInMs: r.retryInMs }) });
    };
    const result = channel
      ? await send(channel, job, d, deadlineMs, report)
      : { ok: false as const, attempts: 0, error: new ChannelError({ channel: 'none', reason: 'unknown receiver', retryable: false }) };
    if (!channel) line('failed', name, { attempt: 0, reason: 'unknown receiver', durationMs: 0 });
    if (result.ok) {
      await d.ledger.record(job.id, result.value ?? undefined);
      if (result.value && job.notification.kind === 'trigger') await d.ledger.recordThread(job.receiver, job.notification.groupKey, result.value);
      await d.outbox.markDone(job.id, 'sent', iso());
      return { kind: 'sent', id: job.id };
    }
    // Shutdown, or the drain's own deadline (not the job's budget) cut a retryable failure short: next drain retries.
    const maxAttempts = d.retry.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const drainBound = deadlineMs < jobDeadline && result.attempts < maxAttempts;
    if (d.signal?.aborted || (result.error.retryable && (drainBound || result.attempts === 0))) return { kind: 'deferred', id: job.id };
    const failure: DeliveryFailure = { id: job.id, receiver: job.receiver, attempts: result.attempts, error: errorFields(result.error) };
    const fields = { attempt: result.attempts, ...(failure.error.status === undefined ? {} : { status: failure.error.status }), reason: failure.error.reason, durationMs: d.now() - started };
    if (job.fallback && !job.primaryFailure) {
      const next = fallbackJob(job, result.error.reason, iso());
      await d.outbox.append([{ type: 'job', job: next }]);
      line('fallback', name, { ...fields, fallback: job.fallback, fallbackId: next.id });
      await d.outbox.markDone(job.id, 'fallback', iso());
      return { kind: 'fallback', failure: { ...failure, fallbackId: next.id } };
    }
    await appendDeadLetter(d.deadLetterPath, { job, error: failure.error, attempts: result.attempts, at: iso() });
    line('dead-letter', name, fields);
    await d.outbox.markDone(job.id, 'dead-letter', iso());
    return { kind: 'dead-letter', failure };
  } finally {
    await d.ledger.release(job.id, d.owner);
  }
}

async function send(channel: Channel, job: DeliveryJob, d: DeliverJobDeps, deadlineMs: number, onAttempt: (r: AttemptReport) => void) {
  const notification = notificationForJob(job);
  const previous = notification.kind === 'trigger' ? undefined : await d.ledger.threadReceipt(job.receiver, notification.groupKey);
  return deliverWithRetry<SendReceipt | void>(
    ({ signal, timeoutMs }) => channel.send(notification, { signal, timeoutMs, ...(previous ? { previous } : {}) }),
    { ...d.retry, deadlineMs, channel: channel.type, now: d.now, ...(d.sleep ? { sleep: d.sleep } : {}), ...(d.random ? { random: d.random } : {}), ...(d.signal ? { signal: d.signal } : {}), onAttempt },
  );
}
