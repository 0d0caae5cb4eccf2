import * as z from 'zod';
import type { ChannelError } from '../errors.ts';
import { withFileLock } from './file-lock.ts';
import { DeliveryJobSchema, jobFromStored } from './job.ts';
import type { DeliveryJob } from './job.ts';
import { appendDurable, readJsonlFile, writeFileAtomic } from './jsonl.ts';
import type { BadLine } from './jsonl.ts';

/** Default location of the local dead-letter file. */
export const DEFAULT_DEAD_LETTER_PATH = '.pooler-watch/dead-letter.jsonl';

/** The final error of a dead letter: the ChannelError's safe fields only (never a URL, header or body). */
export const DeadLetterError = z.looseObject({
  channel: z.string(),
  status: z.number().optional(),
  reason: z.string(),
  retryable: z.boolean(),
});
export type DeadLetterError = z.output<typeof DeadLetterError>;

/** One line of the dead-letter file. */
export const DeadLetterSchema = z.looseObject({
  job: DeliveryJobSchema,
  error: DeadLetterError,
  attempts: z.number().int().nonnegative(),
  /** ISO-8601 time it was dead-lettered. */
  at: z.string(),
});

/** A job that could not be delivered, with everything needed to send it again (`redrive`). */
export interface DeadLetter {
  job: DeliveryJob;
  error: DeadLetterError;
  attempts: number;
  at: string;
}

/** The safe fields of a ChannelError, as stored in a dead letter and reported by a drain. */
export function errorFields(err: ChannelError): DeadLetterError {
  return { channel: err.channel, ...(err.status === undefined ? {} : { status: err.status }), reason: err.reason, retryable: err.retryable };
}

/** Appends one dead letter (fsync), serialised with `redrive` rewrites through `<path>.lock`. */
export async function appendDeadLetter(path: string, letter: DeadLetter): Promise<void> {
  await withFileLock(`${path}.lock`, () => appendDurable(path, [JSON.stringify(letter)]));
}

/** Reads the dead-letter file; bad lines are reported by number and never hide the good ones. */
export async function readDeadLetters(path: string = DEFAULT_DEAD_LETTER_PATH): Promise<{ letters: DeadLetter[]; bad: BadLine[] }> {
  const read = await readJsonlFile(path, DeadLetterSchema);
  return { letters: read.records.map((r) => ({ ...r.value, job: jobFromStored(r.value.job) })), bad: read.bad };
}

/** Filter of {@link redrive}: by receiver and/or job ids (both must match when both are given). */
export interface RedriveOptions {
  receiver?: string;
  ids?: string[];
  /** Clock for the new `enqueuedAt`; default Date.now. */
  now?: () => number;
}

/** What {@link redrive} did. */
export interface RedriveResult {
  /** Ids moved back into the outbox. */
  redriven: string[];
  /** Dead letters left in the file. */
  remaining: number;
  /** Unreadable lines (kept in the file as they were). */
  bad: BadLine[];
}

/**
 * Moves matching dead letters back into the outbox: `enqueue` first (durably), then the file is
 * rewritten atomically with the rest (bad lines kept verbatim). A crash in between leaves a letter in
 * both places; the ledger and the vendor's idempotency key make that second send harmless.
 */
export async function redrive(
  path: string,
  enqueue: (jobs: DeliveryJob[]) => Promise<unknown>,
  opts: RedriveOptions = {},
): Promise<RedriveResult> {
  const now = opts.now ?? Date.now;
  const ids = opts.ids ? new Set(opts.ids) : undefined;
  return withFileLock(`${path}.lock`, async () => {
    const read = await readJsonlFile(path, DeadLetterSchema);
    const matches = (job: DeliveryJob) => (opts.receiver === undefined || job.receiver === opts.receiver) && (ids === undefined || ids.has(job.id));
    const keep: Array<{ line: number; text: string }> = read.bad.map((b) => ({ line: b.line, text: b.text }));
    const jobs: DeliveryJob[] = [];
    for (const r of read.records) {
      const job = jobFromStored(r.value.job);
      if (matches(job)) jobs.push({ ...job, enqueuedAt: new Date(now()).toISOString() });
      else keep.push({ line: r.line, text: JSON.stringify(r.value) });
    }
    if (jobs.length > 0) {
      await enqueue(jobs);
      keep.sort((a, b) => a.line - b.line);
      await writeFileAtomic(path, keep.map((k) => `${k.text}\n`).join(''));
    }
    return { redriven: jobs.map((j) => j.id), remaining: read.records.length - jobs.length, bad: read.bad };
  });
}
