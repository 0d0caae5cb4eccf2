import * as z from 'zod';
import { withFileLock } from './file-lock.ts';
import { DeliveryJobSchema, jobFromStored } from './job.ts';
import type { DeliveryJob } from './job.ts';
import { appendDurable, openAppender, readJsonlFile, writeFileAtomic } from './jsonl.ts';
import type { BadLine } from './jsonl.ts';
import { ProgressLine, progressFromLine, progressLine } from './progress.ts';
import type { JobProgress } from './progress.ts';

/** How a job left the outbox. */
export type DoneOutcome = 'sent' | 'duplicate' | 'fallback' | 'dead-letter';

/**
 * One outbox line: a job, the marker that a job (by id) is finished, or how far delivering a pending job got
 * (`progress`, see {@link ProgressLine}; files written before it existed read as before).
 */
export const OutboxLine = z.discriminatedUnion('type', [
  z.looseObject({ type: z.literal('job'), job: DeliveryJobSchema }),
  z.looseObject({ type: z.literal('done'), id: z.string().min(1), outcome: z.string(), at: z.string() }),
  ProgressLine,
]);

/** What {@link OutboxFile.append} writes. */
export type OutboxEntry = { type: 'job'; job: DeliveryJob } | { type: 'done'; id: string; outcome: DoneOutcome; at: string } | ProgressLine;

/** Pending jobs in enqueue order, plus unreadable lines (by number). */
export interface OutboxRead {
  jobs: DeliveryJob[];
  /** Recorded progress of pending jobs, by id (the latest line wins). */
  progress: Map<string, JobProgress>;
  bad: BadLine[];
  /** Whether a rewrite is worth it: bad lines, or at least as many finished lines as pending jobs. */
  compactable: boolean;
}

/**
 * Longest a burst of appends keeps the lock before letting other processes (or a compaction) in: when one is
 * waiting, the lock's handover (see {@link withFileLock}) lets it in before this process takes the lock again.
 */
const MAX_HOLD_MS = 200;
/**
 * How long the writer keeps the lock and the file open, idle, waiting for the next append. Webhooks arrive a
 * fraction of a millisecond apart under load; without the wait every batch paid a whole lock-and-open cycle
 * (about eight file system calls) before its fsync.
 */
const LINGER_MS = 3;

/**
 * The outbox file (`outbox.jsonl`): an append-only log of job, done and progress lines, every write fsynced and
 * serialised with compaction through `<path>.lock`. A job is pending from its line until a later done
 * line with its id (so a job enqueued again after it finished is pending again, with no progress); the same id
 * enqueued twice while pending counts once.
 */
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
   * are on disk (and is rejected if they may not be). A writer from another process waits at most about one hold:
   * the lock goes to it before this process takes it again ({@link withFileLock}'s handover).
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
        await withFileLock(`${this.path}.lock`, async () => {
          // The hold starts now, not when this writer began to wait: the batch queued while it waited always goes.
          const held = Date.now();
          const file = await openAppender(this.path);
          try {
            do {
              const batch = this.#queue.splice(0);
              try {
                await file.append(batch.flatMap((b) => b.lines));
                for (const b of batch) b.resolve();
              } catch (err) {
                // Told, not lost: the appender starts the next batch on a line of its own.
                for (const b of batch) b.reject(err);
              }
              // Let requests that are mid-flight join the next batch rather than wake to an empty queue.
              await new Promise((r) => setImmediate(r));
            } while (Date.now() - held < MAX_HOLD_MS && (this.#queue.length > 0 || (await this.#linger())));
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

  /** Records how far delivering pending job `id` got (a deferred drain), for the next drain to go on from. */
  recordProgress(id: string, progress: JobProgress, at: string): Promise<void> {
    return this.append([progressLine(id, progress, at)]);
  }

  async read(): Promise<OutboxRead> {
    const f = await this.#fold();
    return { jobs: f.jobs, progress: new Map([...f.progress].map(([id, line]) => [id, progressFromLine(line)])), bad: f.bad, compactable: compactable(f) };
  }

  /** Replays the file: pending jobs in order, the latest progress line of each, bad lines. */
  async #fold(): Promise<{ jobs: DeliveryJob[]; progress: Map<string, ProgressLine>; bad: BadLine[]; records: number }> {
    const read = await readJsonlFile(this.path, OutboxLine);
    const pending = new Map<string, DeliveryJob>();
    const progress = new Map<string, ProgressLine>();
    for (const { value } of read.records) {
      if (value.type === 'job') {
        if (!pending.has(value.job.id)) pending.set(value.job.id, jobFromStored(value.job));
      } else if (value.type === 'progress') {
        if (pending.has(value.id)) progress.set(value.id, value);
      } else {
        pending.delete(value.id);
        progress.delete(value.id);
      }
    }
    return { jobs: [...pending.values()], progress, bad: read.bad, records: read.records.length };
  }

  /**
   * Rewrites the file atomically with only the pending jobs, each followed by its latest progress line (empty when
   * everything is done). Bad lines are moved to `<path>.rejected` rather than dropped. Returns the number of jobs
   * still pending.
   */
  compact(): Promise<number> {
    return withFileLock(`${this.path}.lock`, async () => {
      const f = await this.#fold();
      const { jobs, progress, bad } = f;
      if (!compactable(f)) return jobs.length;
      if (bad.length > 0) await appendDurable(`${this.path}.rejected`, bad.map((b) => b.text));
      const line = (job: DeliveryJob) => {
        const p = progress.get(job.id);
        return `${JSON.stringify({ type: 'job', job })}\n${p ? `${JSON.stringify(p)}\n` : ''}`;
      };
      await writeFileAtomic(this.path, jobs.map(line).join(''));
      return jobs.length;
    });
  }
}

/**
 * Whether a rewrite is worth it: the file is at least half garbage (done markers, the job lines they finished,
 * repeats, superseded progress lines) or holds bad lines. Under a burst the drain would otherwise rewrite every
 * pending job after each delivery, holding the lock the webhook's appends wait on.
 */
function compactable(f: { jobs: unknown[]; progress: Map<string, unknown>; bad: unknown[]; records: number }): boolean {
  const garbage = f.records - f.jobs.length - f.progress.size;
  return f.bad.length > 0 || (garbage > 0 && garbage >= f.jobs.length);
}
