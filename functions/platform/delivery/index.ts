/** Durable, idempotent delivery (local runtime): outbox → retries → ledger → fallback / dead letter. */
export { deliverWithRetry, toChannelError, abortableSleep, DEFAULT_MAX_ATTEMPTS } from './retry.ts';
export type { AttemptContext, AttemptReport, RetryOptions, RetryResult } from './retry.ts';
export { MemoryLedger } from './ledger.ts';
export type { ClaimResult, Ledger, LedgerBounds } from './ledger.ts';
export { FileLedger } from './file-ledger.ts';
export type { FileLedgerOptions } from './file-ledger.ts';
export { Outbox } from './outbox.ts';
export type { DrainOptions, DrainResult, OutboxOptions } from './outbox.ts';
export type { DeliveryFailure, DeliveryOutcome, RetryTuning } from './deliver-job.ts';
export { DeliveryJobSchema, fallbackJob, notificationForJob } from './job.ts';
export type { DeliveryJob, PrimaryFailure } from './job.ts';
export { DEFAULT_DEAD_LETTER_PATH, appendDeadLetter, readDeadLetters, redrive } from './dead-letter.ts';
export type { DeadLetter, DeadLetterError, RedriveOptions, RedriveResult } from './dead-letter.ts';
