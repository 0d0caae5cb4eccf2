import { z } from 'zod';
import { withFileLock } from './file-lock.ts';
import { DeliveryJobSchema, jobFromStored } from './job.ts';
import type { DeliveryJob } from './job.ts';
import { appendDurable, readJsonlFile, writeFileAtomic } from './jsonl.ts';
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
  /** Whether the file holds anything compaction would remove (done markers or bad lines). */
  compactable: boolean;
}

/**
 * The outbox file (`outbox.jsonl`): an append-only log of job and done lines, every write fsynced and
 * serialised with compaction through `<path>.lock`. A job is pending from its line until a later done
 * line with its id (so a job enqueued again after it finished is pending again); the same id enqueued
 * twice while pending counts once.
 */
export class OutboxFile {
  #pending: { lines: string[]; done: Promise<void> } | undefined;
  #writing: Promise<unknown> = Promise.resolve();

  constructor(readonly path: string) {}

  /**
   * Group commit: appends that arrive while a write is in flight join the next one, so a burst of webhooks costs
   * one lock and one fsync per batch instead of per request. Each caller resolves only once its lines are on disk.
   */
  append(lines: readonly OutboxEntry[]): Promise<void> {
    if (!this.#pending) {
      const batch: { lines: string[]; done: Promise<void> } = { lines: [], done: Promise.resolve() };
      batch.done = this.#writing.then(() => {
        this.#pending = undefined;
        return withFileLock(`${this.path}.lock`, () => appendDurable(this.path, batch.lines));
      });
      this.#writing = batch.done.catch(() => undefined);
      this.#pending = batch;
    }
    this.#pending.lines.push(...lines.map((l) => JSON.stringify(l)));
    return this.#pending.done;
  }

  markDone(id: string, outcome: DoneOutcome, at: string): Promise<void> {
    return this.append([{ type: 'done', id, outcome, at }]);
  }

  async read(): Promise<OutboxRead> {
    const read = await readJsonlFile(this.path, OutboxLine);
    const pending = new Map<string, DeliveryJob>();
    let done = 0;
    for (const { value } of read.records) {
      if (value.type === 'job') {
        if (!pending.has(value.job.id)) pending.set(value.job.id, jobFromStored(value.job));
      } else {
        done++;
        pending.delete(value.id);
      }
    }
    return { jobs: [...pending.values()], bad: read.bad, compactable: done > 0 || read.bad.length > 0 };
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
