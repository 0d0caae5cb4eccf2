import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import type { Channel, SendReceipt } from '../../channels/channel.ts';
import { errorFields } from '../delivery/dead-letter.ts';
import { fallbackJob, notificationForJob, type DeliveryJob } from '../delivery/job.ts';
import { runLanes, toLanes } from '../delivery/lanes.ts';
import { DEFAULT_MAX_ATTEMPTS, deliverWithRetry, type AttemptReport } from '../delivery/retry.ts';
import { ChannelError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { DispatchDeps } from './dispatch-deps.ts';
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
 * Delivers one job idempotently: skip if the ledger has it, claim it, send with retries bounded by the job budget
 * and the invocation's deadline, then record it (and its Slack thread receipt). On final failure a primary with a
 * `fallback` receiver hands a fallback job to SQS (same road, own id); otherwise the job fails back to SQS.
 */
export async function deliverSqsJob(job: DeliveryJob, deps: DispatchDeps, channels: Map<string, Channel>, inv: DispatchInvocation & { messageId: string }): Promise<DispatchOutcome> {
  const { ledger, now, config } = deps;
  const line = (outcome: string, channel: string, fields: Record<string, unknown>) => {
    const level = outcome === 'sent' || outcome === 'duplicate' ? 'info' : outcome === 'failed' ? 'error' : 'warn';
    inv.log[level]('delivery', { receiver: job.receiver, channel, id: job.id, messageId: inv.messageId, outcome, ...fields });
  };
  if (await ledger.has(job.id)) {
    line('duplicate', 'none', { attempt: 0 });
    return 'duplicate';
  }
  const claim = await ledger.claim(job.id, inv.owner, now(), Math.max(0, inv.deadlineMs - now()) + CLAIM_SLACK_MS);
  if (!claim.ok) {
    line(claim.reason === 'delivered' ? 'duplicate' : 'retry', 'none', { attempt: 0, reason: claim.reason === 'held' ? 'held by another invocation' : 'delivered' });
    return claim.reason === 'delivered' ? 'duplicate' : 'retry';
  }
  try {
    const channel = channels.get(job.receiver);
    const name = channel?.type ?? 'none';
    const started = now();
    const jobDeadline = started + config.delivery.deadline;
    const deadlineMs = Math.min(jobDeadline, inv.deadlineMs);
    const report = (r: AttemptReport) => {
      const outcome = r.error === undefined ? 'sent' : r.retryInMs !== undefined ? 'retry' : 'attempt failed';
      const err = r.error ? { ...(r.error.status === undefined ? {} : { status: r.error.status }), reason: r.error.reason } : {};
      line(outcome, name, { attempt: r.attempt, ...err, durationMs: r.durationMs, ...(r.retryInMs === undefined ? {} : { retryInMs: r.retryInMs }) });
    };
    const result = channel
      ? await send(channel, job, deps, deadlineMs, report, inv.signal)
      : { ok: false as const, attempts: 0, error: new ChannelError({ channel: 'none', reason: 'unknown receiver', retryable: false }) };
    if (result.ok) {
      await ledger.record(job.id, result.value ?? undefined);
      if (result.value && job.notification.kind === 'trigger') await ledger.recordThread(job.receiver, job.notification.groupKey, result.value);
      return 'sent';
    }
    const maxAttempts = config.delivery.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    const cutShort = inv.signal?.aborted || (result.error.retryable && ((deadlineMs < jobDeadline && result.attempts < maxAttempts) || result.attempts === 0));
    const fields = { attempt: result.attempts, ...errorFields(result.error), durationMs: now() - started };
    if (cutShort) {
      line('retry', name, { ...fields, reason: `${result.error.reason}; the invocation's deadline came first` });
      return 'retry';
    }
    if (job.fallback && !job.primaryFailure) {
      const next = fallbackJob(job, result.error.reason, new Date(now()).toISOString());
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
  } finally {
    await ledger.release(job.id, inv.owner);
  }
}

async function send(channel: Channel, job: DeliveryJob, deps: DispatchDeps, deadlineMs: number, onAttempt: (r: AttemptReport) => void, signal?: AbortSignal) {
  const notification = notificationForJob(job);
  const previous = notification.kind === 'trigger' ? undefined : await deps.ledger.threadReceipt(job.receiver, notification.groupKey);
  const d = deps.config.delivery;
  return deliverWithRetry<SendReceipt | void>(
    ({ signal: attemptSignal, timeoutMs }) => channel.send(notification, { signal: attemptSignal, timeoutMs, ...(previous ? { previous } : {}) }),
    {
      deadlineMs,
      maxAttempts: d.maxAttempts,
      perAttemptTimeoutMs: d.perAttemptTimeout,
      baseDelayMs: d.baseDelay,
      maxDelayMs: d.maxDelay,
      channel: channel.type,
      now: deps.now,
      ...deps.retry,
      ...(signal ? { signal } : {}),
      onAttempt,
    },
  );
}

/**
 * A batch of SQS records: malformed ones fail at once (logged by message id, never their body); the rest are
 * delivered in lanes per receiver (in order within a receiver, `delivery.concurrency` receivers at a time).
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
    const channels = await deps.channels();
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
