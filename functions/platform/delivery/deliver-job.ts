import type { Channel } from '../../channels/channel.ts';
import type { Logger } from '../logger.ts';
import { appendDeadLetter, errorFields } from './dead-letter.ts';
import type { DeadLetterError } from './dead-letter.ts';
import { attemptFields, attemptJob, attemptOutcome } from './attempt-job.ts';
import { fallbackJob } from './job.ts';
import type { DeliveryJob } from './job.ts';
import type { Ledger } from './ledger.ts';
import type { OutboxFile } from './outbox-file.ts';
import type { JobProgress } from './progress.ts';
import type { RetryOptions } from './retry.ts';

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
 * Delivers one job from the outbox through the shared core ({@link attemptJob}), then settles it in the outbox
 * file: mark done, or hand it to its fallback receiver, or dead-letter it, or (deferred) record how far it got —
 * all while the claim is still held. `progress` is what earlier drains recorded: budget and attempts go on from it.
 */
export async function deliverJob(job: DeliveryJob, d: DeliverJobDeps, progress?: JobProgress): Promise<JobOutcome> {
  const iso = () => new Date(d.now()).toISOString();
  const line = (outcome: DeliveryOutcome, channel: string, fields: Record<string, unknown>) => {
    const level = outcome === 'sent' || outcome === 'duplicate' ? 'info' : outcome === 'dead-letter' ? 'error' : 'warn';
    d.logger[level]('delivery', { receiver: job.receiver, channel, id: job.id, outcome, ...fields });
  };
  const channel = d.resolveChannel(job.receiver);
  const name = channel?.type ?? 'none';
  return attemptJob(
    job,
    {
      ledger: d.ledger,
      owner: d.owner,
      leaseMs: d.leaseMs,
      now: d.now,
      retry: { ...d.retry, ...(d.sleep ? { sleep: d.sleep } : {}), ...(d.random ? { random: d.random } : {}) },
      jobBudgetMs: d.jobBudgetMs,
      ...(progress ? { progress } : {}),
      ...(d.drainDeadlineMs === undefined ? {} : { outerDeadlineMs: d.drainDeadlineMs }),
      ...(d.signal ? { signal: d.signal } : {}),
      channel,
      onAttempt: (r, type) => line(attemptOutcome(r), type, attemptFields(r)),
    },
    async (v): Promise<JobOutcome> => {
      if (v.kind === 'duplicate') {
        line('duplicate', 'none', { attempt: 0, durationMs: 0 });
        await d.outbox.markDone(job.id, 'duplicate', iso());
        return { kind: 'duplicate', id: job.id };
      }
      if (v.kind === 'held') return { kind: 'deferred', id: job.id };
      if (v.kind === 'sent') {
        await d.outbox.markDone(job.id, 'sent', iso());
        return { kind: 'sent', id: job.id };
      }
      if (!channel) line('failed', name, { attempt: 0, reason: 'unknown receiver', durationMs: 0 });
      if (v.kind === 'deferred') {
        // Durable before the claim goes: the next drain (this process or the next start) goes on from here.
        if (v.progress) await d.outbox.recordProgress(job.id, v.progress, iso());
        return { kind: 'deferred', id: job.id };
      }
      const failure: DeliveryFailure = { id: job.id, receiver: job.receiver, attempts: v.attempts, error: errorFields(v.error) };
      const fields = { attempt: v.attempts, ...(failure.error.status === undefined ? {} : { status: failure.error.status }), reason: failure.error.reason, durationMs: v.durationMs };
      if (job.fallback && !job.primaryFailure) {
        const next = fallbackJob(job, v.error.reason, iso());
        await d.outbox.append([{ type: 'job', job: next }]);
        line('fallback', name, { ...fields, fallback: job.fallback, fallbackId: next.id });
        await d.outbox.markDone(job.id, 'fallback', iso());
        return { kind: 'fallback', failure: { ...failure, fallbackId: next.id } };
      }
      await appendDeadLetter(d.deadLetterPath, { job, error: failure.error, attempts: v.attempts, at: iso() });
      line('dead-letter', name, fields);
      await d.outbox.markDone(job.id, 'dead-letter', iso());
      return { kind: 'dead-letter', failure };
    },
  );
}
