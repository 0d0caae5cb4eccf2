import * as z from 'zod';
import { withFileLock } from './file-lock.ts';
import { DeliveryJobSchema, jobFromStored } from './job.ts';
import type { DeliveryJob } from './job.ts';
import { appendDurable, openAppender, readJsonlFile, writeFileAtomic } from './jsonl.ts';
import type { BadLine } from './jsonl.ts';

/** How a job left the outbox. */
export type DoneOutcome = 'sent' | 'duplicate' | 'fallback' | 'dead-letter';

/** One outbox line: a job, or the marker that a job (by id) is finished. */
export const OutboxLine = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('job'), job: DeliveryJobSchema }),
  z.looseObject({ type: z.literal('done'), id: z.string().min(1), outcome: z.string(), at: z.string() }),
]);

/** What {@link OutboxFile.append} writes. */
export type OutboxEntry = { type: 'job'; job: DeliveryJob } | { type: 'done'; id: string; outcome: DoneOutcome; at: string };

/** Pending jobs in enqueue order, plus unreadable lines (by number). */
export interface OutboxRead {
  jobs: DeliveryJob[];
  bad: BadLine[];
  /** Whether a rewrite is worth it: bad lines, or at least as many finished lines as pending jobs. */
  compactable: boolean;
}

/**
 * The outbox file (`outbox.jsonl`): an append-only log of job and done lines, every write fsynced and
 * serialised with compaction through `<path>.lock`. A job is pending from its line until a later done
 * line with its id (so a job enqueued again after it finished is pending again); the same id enqueued
 * twice while pending counts once.
 */
/** Longest a burst of appends keeps the lock before letting other processes (or a compaction) in. */
const MAX_HOLD_MS = 200;
/**
 * How long the writer keeps the lock and the file open, idle, waiting for the next append. Webhooks arrive a
 * fraction of a millisecond apart under load; without the wait every batch paid a whole lock-and-open cycle
 * (about eight file system calls) before its fsync.
 */
const LINGER_MS = 3;

export class OutboxFile {
  #queue: Array<{ lines: string[]; resolve: () => void; reject: (err: unknown) => void }> = [];
  #pumping = false;
  /** Wakes a lingering writer when an append arrives. */
  #wake: (() => void) | undefined;

  constructor(readonly path: string) {}

  /**
   * Group commit under a held lock: appends queue up, and one writer takes the file lock and keeps it while
   * batches keep coming (up to {@link MAX_HOLD_MS}), one write and one fsync per batch. A webhook burst thus
   * costs an fsync per batch, not a lock-file round trip per request. Each caller resolves only once its lines
   * are on disk; other processes wait on the lock as before.
   */
  append(lines: readonly OutboxEntry[]): Promise<void> {
    const text = lines.map((l) => JSON.stringify(l));
    const done = new Promise<void>((resolve, reject) => this.#queue.push({ lines: text, resolve, reject }));
    if (!this.#pumping) void this.#pump();
    this.#wake?.();
    return done;
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        const held = Date.now();
        await withFileLock(`${this.path}.lock`, async () => {
          const file = await openAppender(this.path);
          try {
            while (Date.now() - held < MAX_HOLD_MS && (this.#queue.length > 0 || (await this.#linger()))) {
              const batch = this.#queue.splice(0);
              try {
                await file.append(batch.flatMap((b) => b.lines));
                for (const b of batch) b.resolve();
              } catch (err) {
                for (const b of batch) b.reject(err);
              }
              // Let requests that are mid-flight join the next batch rather than wake to an empty queue.
              await new Promise((r) => setImmediate(r));
            }
          } finally {
            await file.close();
          }
        }).catch((err: unknown) => {
          for (const b of this.#queue.splice(0)) b.reject(err);
        });
      }
    } finally {
      this.#pumping = false;
    }
  }

  /** Waits up to {@link LINGER_MS} for an append; whether one is queued. */
  async #linger(): Promise<boolean> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, LINGER_MS);
      this.#wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    this.#wake = undefined;
    return this.#queue.length > 0;
  }

  markDone(id: string, outcome: DoneOutcome, at: string): Promise<void> {
    return this.append([{ type: 'done', id, outcome, at }]);
  }

  async read(): Promise<OutboxRead> {
    const read = await readJsonlFile(this.path, OutboxLine);
    const pending = new Map<string, DeliveryJob>();
    for (const { value } of read.records) {
      if (value.type === 'job') {
        if (!pending.has(value.job.id)) pending.set(value.job.id, jobFromStored(value.job));
      } else {
        pending.delete(value.id);
      }
    }
    const jobs = [...pending.values()];
    // Lines a rewrite would drop: done markers and the job lines they finished (repeats included).
    const garbage = read.records.length - jobs.length;
    // Rewrite when the file is at least half garbage (or holds bad lines): under a burst the drain would otherwise
    // rewrite every pending job after each delivery, holding the lock the webhook's appends wait on.
    const compactable = read.bad.length > 0 || (garbage > 0 && garbage >= jobs.length);
    return { jobs, bad: read.bad, compactable };
  }

  /**
   * Rewrites the file atomically with only the pending jobs (empty when everything is done). Bad lines
   * are moved to `<path>.rejected` rather than dropped. Returns the number of jobs still pending.
   */
  compact(): Promise<number> {
    return withFileLock(`${this.path}.lock`, async () => {
      const read = await this.read();
      if (!read.compactable) return read.jobs.length;
      if (read.bad.length > 0) await appendDurable(`${this.path}.rejected`, read.bad.map((b) => b.text));
      await writeFileAtomic(this.path, read.jobs.map((job) => `${JSON.stringify({ type: 'job', job })}\n`).join(''));
      return read.jobs.length;
    });
  }
}
