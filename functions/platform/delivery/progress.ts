import * as z from 'zod';
import { ChannelError } from '../errors.ts';
import { DeadLetterError } from './dead-letter.ts';

/**
 * What earlier drains did for a job that is still pending, so its budget (`delivery.deadline`, from the first
 * attempt), its `maxAttempts` and the vendor's Retry-After hold across drains: a drain cut short by its own
 * deadline (a `run` round) defers the job, and the next drain goes on from here instead of starting over.
 */
export interface JobProgress {
  /** ms since epoch: the job's budget runs from its first attempt. */
  firstAttemptAt: number;
  /** Attempts made so far (at least 1). */
  attempts: number;
  /** ms since epoch: no attempt before this (the Retry-After or backoff owed after the last attempt). */
  retryNotBefore?: number;
  /** The last attempt's error (safe fields): the failure reported if the budget runs out before another attempt. */
  lastError: DeadLetterError;
}

/**
 * The outbox line of {@link JobProgress} (`type: "progress"`), times as ISO-8601 like the other outbox lines.
 * The latest line for a pending job wins; a `done` line forgets it; compaction keeps it after its job line.
 */
export const ProgressLine = z.looseObject({
  type: z.literal('progress'),
  id: z.string().min(1),
  firstAttemptAt: z.iso.datetime(),
  attempts: z.number().int().positive(),
  retryNotBefore: z.iso.datetime().optional(),
  error: DeadLetterError,
  /** When the line was written. */
  at: z.string(),
});
export type ProgressLine = z.output<typeof ProgressLine>;

/** The line recording `p` for job `id`. */
export function progressLine(id: string, p: JobProgress, at: string): ProgressLine {
  return {
    type: 'progress',
    id,
    firstAttemptAt: new Date(p.firstAttemptAt).toISOString(),
    attempts: p.attempts,
    ...(p.retryNotBefore === undefined ? {} : { retryNotBefore: new Date(p.retryNotBefore).toISOString() }),
    error: p.lastError,
    at,
  };
}

/** The progress a line records. */
export function progressFromLine(line: ProgressLine): JobProgress {
  return {
    firstAttemptAt: Date.parse(line.firstAttemptAt),
    attempts: line.attempts,
    ...(line.retryNotBefore === undefined ? {} : { retryNotBefore: Date.parse(line.retryNotBefore) }),
    lastError: line.error,
  };
}

/** The ChannelError a stored last error stands for. */
export function storedError(e: DeadLetterError): ChannelError {
  return new ChannelError({ channel: e.channel, ...(e.status === undefined ? {} : { status: e.status }), reason: e.reason, retryable: e.retryable });
}
