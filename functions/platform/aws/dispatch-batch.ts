import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { Channel } from '../../channels/channel.ts';
import { attemptFields, attemptJob, attemptOutcome } from '../delivery/attempt-job.ts';
import { errorFields } from '../delivery/dead-letter.ts';
import { fallbackJob, type DeliveryJob } from '../delivery/job.ts';
import { runLanes, toLanes } from '../delivery/lanes.ts';
import { ChannelError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { DispatchDeps, ReceiverChannel } from './dispatch-deps.ts';
import { parseJobRecord } from './sqs-jobs.ts';

/** One dispatch invocation's context. */
export interface DispatchInvocation {
  log: Logger;
  /** Safe deadline (ms): no attempt starts and no backoff ends after it. */
  deadlineMs: number;
  /** Claim owner: the invocation's request id. */
  owner: string;
  signal?: AbortSignal;
}

/**
 * What happened to one job. `retry` and `failed` are batch item failures: SQS makes the message visible again
 * and, after the queue's `maxReceiveCount`, moves it to the DLQ (which has an alarm).
 */
export type DispatchOutcome = 'sent' | 'duplicate' | 'fallback' | 'retry' | 'failed';

/** Extra time a claim outlives the invocation's deadline, so it never expires under a live attempt. */
const CLAIM_SLACK_MS = 30_000;

/**
 * Stands in for a receiver whose channel could not be built (a secret that cannot be read): every attempt fails at
 * once, not retryable — as the local runtime treats a receiver with no channel (`unknown receiver`, failed for good).
 * So the job ends like a primary that failed for good: handed to its fallback receiver if it has one, else a batch
 * item failure (SQS redelivers it, the next invocation builds the channel again, and after `maxReceiveCount` it
 * lands in the DLQ). Going through {@link attemptJob} keeps the ledger check and the claim: a job already delivered
 * is a duplicate, and a fallback is queued once.
 */
function unavailableChannel(receiver: string, failed: Extract<ReceiverChannel, { ok: false }>): Channel {
  return {
    type: failed.type,
    name: receiver,
    send: () => Promise.reject(new ChannelError({ channel: failed.type, reason: `channel unavailable (${failed.error})`, retryable: false })),
  };
}

/**
 * Delivers one job through the shared core ({@link attemptJob}): skip if the ledger has it, claim it, send with
 * retries bounded by the job budget and the invocation's deadline, record it (and its Slack thread receipt). On final
 * failure a primary with a `fallback` receiver hands a fallback job to SQS (same road, own id); otherwise the job
 * fails back to SQS. A receiver whose channel could not be built fails this way too ({@link unavailableChannel}).
 */
export async function deliverSqsJob(job: DeliveryJob, deps: DispatchDeps, channels: Map<string, ReceiverChannel>, inv: DispatchInvocation & { messageId: string }): Promise<DispatchOutcome> {
  const { now, config } = deps;
  const line = (outcome: string, channel: string, fields: Record<string, unknown>) => {
    const level = outcome === 'sent' || outcome === 'duplicate' ? 'info' : outcome === 'failed' ? 'error' : 'warn';
    inv.log[level]('delivery', { receiver: job.receiver, channel, id: job.id, messageId: inv.messageId, outcome, ...fields });
  };
  const built = channels.get(job.receiver);
  const channel = built === undefined ? undefined : built.ok ? built.channel : unavailableChannel(job.receiver, built);
  const name = channel?.type ?? 'none';
  const d = config.delivery;
  return attemptJob(
    job,
    {
      ledger: deps.ledger,
      owner: inv.owner,
      leaseMs: Math.max(0, inv.deadlineMs - now()) + CLAIM_SLACK_MS,
      now,
      retry: { maxAttempts: d.maxAttempts, perAttemptTimeoutMs: d.perAttemptTimeout, baseDelayMs: d.baseDelay, maxDelayMs: d.maxDelay, ...deps.retry },
      jobBudgetMs: d.deadline,
      outerDeadlineMs: inv.deadlineMs,
      ...(inv.signal ? { signal: inv.signal } : {}),
      channel,
      // An attempt that failed is not yet the job failing: the final line says that.
      onAttempt: (r, type) => line(attemptOutcome(r) === 'failed' ? 'attempt failed' : attemptOutcome(r), type, attemptFields(r)),
    },
    async (v): Promise<DispatchOutcome> => {
      if (v.kind === 'duplicate') {
        line('duplicate', 'none', { attempt: 0 });
        return 'duplicate';
      }
      if (v.kind === 'held') {
        line('retry', 'none', { attempt: 0, reason: 'held by another invocation' });
        return 'retry';
      }
      if (v.kind === 'sent') return 'sent';
      const fields = { attempt: v.attempts, ...errorFields(v.error), durationMs: v.durationMs };
      if (v.kind === 'deferred') {
        line('retry', name, { ...fields, reason: `${v.error.reason}; the invocation's deadline came first` });
        return 'retry';
      }
      if (job.fallback && !job.primaryFailure) {
        const next = fallbackJob(job, v.error.reason, new Date(now()).toISOString());
        try {
          await deps.queue.enqueue([next]);
        } catch (err) {
          line('retry', name, { ...fields, reason: `fallback not queued (${err instanceof Error ? err.name : 'error'})` });
          return 'retry';
        }
        line('fallback', name, { ...fields, fallback: job.fallback, fallbackId: next.id });
        return 'fallback';
      }
      line('failed', name, fields);
      return 'failed';
    },
  );
}

/**
 * A batch of SQS records: malformed ones fail at once (logged by message id, never their body); the rest are
 * delivered in lanes per receiver (in order within a receiver, `delivery.concurrency` receivers at a time).
 * Only the channels of the batch's receivers are built, each on its own: one that cannot be built (logged with the
 * receiver's name and the error's class) fails only its own receiver's jobs.
 * Returns the partial-batch response (the event source mapping needs `ReportBatchItemFailures`).
 */
export async function dispatchRecords(records: SQSRecord[], deps: DispatchDeps, inv: DispatchInvocation): Promise<SQSBatchResponse> {
  const failures: string[] = [];
  const jobs: Array<{ messageId: string; job: DeliveryJob }> = [];
  for (const record of records) {
    const parsed = parseJobRecord(record);
    if (parsed.ok) jobs.push({ messageId: record.messageId, job: parsed.job });
    else {
      inv.log.error('malformed delivery job', { messageId: record.messageId, reason: parsed.reason, receiveCount: record.attributes?.ApproximateReceiveCount });
      failures.push(record.messageId);
    }
  }
  if (jobs.length > 0) {
    const channels = await deps.channels(jobs.map((j) => j.job.receiver));
    for (const [receiver, c] of channels) {
      if (!c.ok) inv.log.error('receiver channel unavailable', { receiver, channel: c.type, error: c.error });
    }
    await runLanes(
      toLanes(jobs, (j) => j.job.receiver),
      deps.config.delivery.concurrency,
      async ({ messageId, job }) => {
        const outcome = await deliverSqsJob(job, deps, channels, { ...inv, messageId });
        if (outcome === 'retry' || outcome === 'failed') failures.push(messageId);
      },
      ({ messageId, job }, err) => {
        inv.log.error('delivery storage error', { messageId, id: job.id, receiver: job.receiver, error: err instanceof Error ? err.name : 'error' });
        failures.push(messageId);
      },
    );
  }
  inv.log.info('dispatch batch', { records: records.length, failed: failures.length });
  return { batchItemFailures: records.filter((r) => failures.includes(r.messageId)).map((r) => ({ itemIdentifier: r.messageId })) };
}
