import { open, readFile, rename, stat } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { hostname } from 'node:os';
import type { SendReceipt } from '../../channels/channel.ts';
import { StateError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { withFileLock, isProcessAlive } from './file-lock.ts';
import { writeFileAtomic } from './jsonl.ts';
import { headerGeneration, journalHeader, JournalIndex, legacyToOps, parseOp } from './ledger-journal.ts';
import type { JournalOp } from './ledger-journal.ts';
import { LedgerData, LedgerRules, threadKey } from './ledger.ts';
import type { ClaimResult, Ledger, LedgerBounds } from './ledger.ts';

/** Options of {@link FileLedger}. */
export interface FileLedgerOptions extends LedgerBounds {
  /** Warned about unreadable journal lines (skipped) and a corrupt legacy file (set aside). */
  logger?: Logger;
}

const HOST = hostname();
/** Compact once the journal holds this many times more lines than live entries (and at least MIN_LINES)… */
const COMPACT_RATIO = 4;
const MIN_LINES = 1_024;
/** …or once it is past this size and holds twice as many lines as live entries. */
const COMPACT_BYTES = 1 << 20;

/** A write decided under the lock on the up-to-date index: the line to append, if any. */
type Item = () => JournalOp | undefined;
interface Batch {
  items: Item[];
  done: Promise<void>;
}

const errCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

/**
 * The ledger of the local runtime: an append-only journal (JSON Lines of record / claim / release /
 * thread operations after a generation header) replayed into an in-memory index.
 *
 * - Reads (`has`, `receipt`, `threadReceipt`) take no lock: one `stat`; only when the file grew are the
 *   new bytes read (from the remembered offset; an unterminated last line is left for later). A new inode,
 *   a shrunk file or a changed generation header means the file was rewritten (compaction): re-read it all.
 * - Writes are group-committed: calls that arrive while a write is in flight join the next batch, which
 *   takes `<path>.lock` once, reads the tail, decides each call in order with the shared {@link LedgerRules}
 *   (so a `claim` is atomic across processes and instances), appends the lines and fdatasyncs once.
 *   A claim records this process's pid: a claim left by a dead process on this host is treated as expired.
 * - Under the lock, an unterminated last line is a torn write of a dead process: it is read as a line
 *   and a newline is written before the next append. An unreadable line is skipped and warned about once.
 * - Compaction (under the lock, after a write, when the journal is ≥ 4× its live entries or ≥ 1 MiB and
 *   2×) rewrites the file atomically with a new generation, keeping only entries within the TTL/bounds.
 * - A file in the previous format (one JSON document, `{version, savedAt, value}`) is migrated in place
 *   on first use, under the lock; one that cannot be parsed is moved to `<path>.corrupt-<ts>` with a warning
 *   and the ledger starts empty (at worst a resend, never a silent stop). Old and new versions must not
 *   share one file at the same time.
 */
export class FileLedger implements Ledger {
  readonly path: string;
  readonly #lockPath: string;
  readonly #rules: LedgerRules;
  readonly #logger: Logger | undefined;

  #index: JournalIndex;
  /** Identity of the journal read so far (undefined: none read). */
  #file: { dev: number; ino: number; gen: string; header: Buffer } | undefined;
  /** Bytes consumed (complete lines), and the file size when last looked at. */
  #offset = 0;
  #seen = 0;
  /** The file exists but is not a journal (legacy or corrupt): to be migrated under the lock. */
  #foreign = false;
  /** The last line has no newline (a torn write, as seen under the lock): write one before appending. */
  #torn = false;
  readonly #reported = new Set<string>();

  /** Index reads and writes run one at a time; a refresh not yet started is shared by its callers. */
  #queue: Promise<unknown> = Promise.resolve();
  #queuedRefresh: Promise<void> | undefined;
  #batch: Batch | undefined;
  #writing: Promise<unknown> = Promise.resolve();

  constructor(path: string, options: FileLedgerOptions = {}) {
    this.path = path;
    this.#lockPath = `${path}.lock`;
    this.#rules = new LedgerRules(options);
    this.#logger = options.logger;
    this.#index = new JournalIndex(this.#rules.maxEntries);
  }

  async has(id: string): Promise<boolean> {
    await this.#fresh();
    return this.#rules.live(this.#index.delivered.get(id));
  }

  async record(id: string, receipt?: SendReceipt): Promise<void> {
    const at = this.#rules.now();
    await this.#commit(() => ({ op: 'record', id, at, ...(receipt ? { receipt: { ...receipt } } : {}) }));
  }

  async receipt(id: string): Promise<SendReceipt | undefined> {
    await this.#fresh();
    const e = this.#index.delivered.get(id);
    return this.#rules.live(e) && e?.receipt ? { ...e.receipt } : undefined;
  }

  async threadReceipt(receiver: string, groupKey: string): Promise<SendReceipt | undefined> {
    await this.#fresh();
    const e = this.#index.threads.get(threadKey(receiver, groupKey));
    return this.#rules.live(e) && e?.receipt ? { ...e.receipt } : undefined;
  }

  async recordThread(receiver: string, groupKey: string, receipt: SendReceipt): Promise<void> {
    const at = this.#rules.now();
    await this.#commit(() => ({ op: 'thread', key: threadKey(receiver, groupKey), receipt: { ...receipt }, at }));
  }

  async claim(id: string, owner: string, now: number, leaseMs: number): Promise<ClaimResult> {
    let result: ClaimResult = { ok: false, reason: 'held' };
    await this.#commit(() => {
      result = this.#rules.claim(this.#index.viewFor(id), id, owner, now, leaseMs, { pid: process.pid, host: HOST }, (c) => {
        return c.host === HOST && c.pid !== undefined && c.pid !== process.pid && !isProcessAlive(c.pid);
      });
      return result.ok ? { op: 'claim', id, owner, until: now + leaseMs, pid: process.pid, host: HOST } : undefined;
    });
    return result;
  }

  async release(id: string, owner: string): Promise<void> {
    await this.#commit(() => (this.#rules.release(this.#index.viewFor(id), id, owner) ? { op: 'release', id, owner } : undefined));
  }

  // ---- reading -------------------------------------------------------------------------------------

  /** Brings the index up to date without the lock (migrating a legacy file first, under it). */
  async #fresh(): Promise<void> {
    if (!this.#queuedRefresh) {
      this.#queuedRefresh = this.#serial(async () => {
        this.#queuedRefresh = undefined;
        await this.#refresh();
      });
    }
    await this.#queuedRefresh;
    if (this.#foreign) await this.#commit();
  }

  async #refresh(): Promise<void> {
    let st: Stats;
    try {
      st = await stat(this.path);
    } catch (err) {
      if (errCode(err) !== 'ENOENT') throw this.#error('read', err);
      this.#reset(); // no file: an empty ledger
      return;
    }
    const f = this.#file;
    if (f && f.ino === st.ino && f.dev === st.dev && st.size === this.#seen) return; // nothing new
    const fh = await this.#open('r');
    if (!fh) return this.#reset();
    try {
      await this.#consume(fh, false);
    } finally {
      await fh.close();
    }
  }

  /**
   * Reads what is new in the open file into the index. Without the lock an unterminated last line may be
   * a write in progress and is left for later; under it (`locked`) it is a dead writer's torn line.
   */
  async #consume(fh: FileHandle, locked: boolean): Promise<void> {
    const st = await fh.stat();
    const f = this.#file;
    let restart = !f || f.ino !== st.ino || f.dev !== st.dev || st.size < this.#seen;
    if (!restart && f && (locked || st.size > this.#seen)) {
      const head = await readAt(fh, 0, f.header.length);
      restart = !head.equals(f.header);
    }
    if (restart) this.#reset();
    else if (st.size === this.#seen && !(locked && this.#hasTail())) return;
    const from = this.#offset;
    const buf = await readAt(fh, from, st.size - from);
    this.#seen = from + buf.length;
    let pos = 0;
    if (from === 0) {
      const nl = buf.indexOf(0x0a);
      const gen = nl < 0 ? undefined : headerGeneration(buf.toString('utf8', 0, nl));
      if (gen === undefined) {
        // Journals are created whole (temp file + rename), so this is a legacy or corrupt file.
        this.#foreign = true;
        return;
      }
      this.#file = { dev: st.dev, ino: st.ino, gen, header: Buffer.from(buf.subarray(0, nl + 1)) };
      pos = nl + 1;
    }
    const gen = this.#file?.gen ?? '';
    if (pos < buf.length) this.#torn = false; // whoever appended after a torn line wrote its newline first
    for (;;) {
      let nl = buf.indexOf(0x0a, pos);
      if (nl < 0) {
        if (!locked || pos >= buf.length) break;
        nl = buf.length; // torn last line, read under the lock
        this.#torn = true;
      }
      this.#line(buf.toString('utf8', pos, nl), gen, from + pos);
      pos = nl + 1;
    }
    this.#offset = from + Math.min(pos, buf.length);
  }

  #hasTail(): boolean {
    return this.#seen > this.#offset;
  }

  #line(text: string, gen: string, at: number): void {
    this.#index.lines++;
    if (text.trim() === '') return;
    const op = parseOp(text);
    if (typeof op !== 'string') return this.#index.apply(op);
    const key = `${gen}:${at}`;
    if (this.#reported.has(key)) return;
    this.#reported.add(key);
    this.#logger?.warn('ledger line corrupt; skipped', { path: this.path, byteOffset: at, error: op });
  }

  #reset(): void {
    this.#index = new JournalIndex(this.#rules.maxEntries);
    this.#file = undefined;
    this.#offset = 0;
    this.#seen = 0;
    this.#foreign = false;
    this.#torn = false;
  }

  // ---- writing -------------------------------------------------------------------------------------

  /**
   * Group commit: calls that arrive while a batch is written (or waits for the lock) join the next one,
   * so a burst costs one lock, one write and one fdatasync. Each caller resolves once its line is durable.
   */
  #commit(item?: Item): Promise<void> {
    if (!this.#batch) {
      const batch: Batch = { items: [], done: Promise.resolve() };
      batch.done = this.#writing
        .then(() => withFileLock(this.#lockPath, () => this.#serial(() => this.#write(batch))))
        .finally(() => {
          if (this.#batch === batch) this.#batch = undefined;
        });
      this.#writing = batch.done.catch(() => undefined);
      this.#batch = batch;
    }
    if (item) this.#batch.items.push(item);
    return this.#batch.done;
  }

  async #write(batch: Batch): Promise<void> {
    if (this.#batch === batch) this.#batch = undefined; // later calls go to the next batch
    let fh = await this.#open('r+');
    try {
      if (fh) await this.#consume(fh, true);
      if (!fh || this.#foreign) {
        await fh?.close();
        fh = undefined;
        await this.#create();
        fh = await this.#open('r+');
        if (!fh) throw this.#error('write', Object.assign(new Error('journal vanished'), { code: 'ENOENT' }));
        await this.#consume(fh, true);
      }
      const lines: string[] = [];
      for (const item of batch.items) {
        const op = item();
        if (!op) continue;
        this.#index.apply(op);
        lines.push(JSON.stringify(op));
      }
      if (lines.length === 0) return;
      const data = Buffer.from(`${this.#torn ? '\n' : ''}${lines.join('\n')}\n`, 'utf8');
      try {
        await writeAt(fh, data, this.#seen);
        await fh.datasync();
      } catch (err) {
        this.#reset(); // the index holds lines that may not be on disk: re-read next time
        throw this.#error('append to', err);
      }
      this.#index.lines += lines.length;
      this.#offset = this.#seen + data.length;
      this.#seen = this.#offset;
      this.#torn = false;
      if (this.#shouldCompact()) await this.#compact();
    } finally {
      await fh?.close();
    }
  }

  #shouldCompact(): boolean {
    const { lines, live } = this.#index;
    if (lines >= MIN_LINES && lines > COMPACT_RATIO * live) return true;
    return this.#seen > COMPACT_BYTES && lines > 2 * live;
  }

  /** Rewrites the journal with only live entries, under a new generation (the lock is held). */
  async #compact(): Promise<void> {
    try {
      const body = this.#index.compacted(this.#rules);
      await writeFileAtomic(this.path, `${[journalHeader(), ...body].join('\n')}\n`);
    } catch (err) {
      this.#logger?.warn('ledger compaction failed; the journal keeps growing', { path: this.path, error: err instanceof Error ? err.message : String(err) });
      return;
    }
    this.#reset();
    const fh = await this.#open('r');
    if (fh) await this.#consume(fh, true).finally(() => fh.close());
  }

  /** Creates the journal (lock held): empty, or migrated from a legacy file; a corrupt one is set aside. */
  async #create(): Promise<void> {
    let text: string | undefined;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if (errCode(err) !== 'ENOENT') throw this.#error('read', err);
    }
    let body: string[] = [];
    if (text !== undefined && text.trim() !== '') {
      try {
        const raw = JSON.parse(text) as unknown;
        if (typeof raw !== 'object' || raw === null || !('value' in raw)) throw new Error('not a pooler-watch ledger (expected {version, savedAt, value})');
        const data = LedgerData.parse(raw.value);
        this.#rules.prune(data);
        body = legacyToOps(data);
        this.#logger?.info('ledger migrated to the journal format', { path: this.path, entries: body.length });
      } catch (cause) {
        const aside = `${this.path}.corrupt-${this.#rules.now()}`;
        try {
          await rename(this.path, aside);
        } catch (err) {
          throw new StateError(`ledger file ${this.path} is corrupt and could not be moved aside`, this.path, { cause: err });
        }
        const error = cause instanceof Error ? cause.message.slice(0, 200) : 'invalid content';
        this.#logger?.warn('ledger file corrupt; starting an empty ledger', { path: this.path, aside, error });
        body = [];
      }
    }
    await writeFileAtomic(this.path, `${[journalHeader(), ...body].join('\n')}\n`);
    this.#reset();
  }

  // ---- plumbing ------------------------------------------------------------------------------------

  #serial<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #open(flags: 'r' | 'r+'): Promise<FileHandle | undefined> {
    try {
      return await open(this.path, flags);
    } catch (err) {
      if (errCode(err) === 'ENOENT') return undefined;
      throw this.#error('open', err);
    }
  }

  #error(what: string, cause: unknown): StateError {
    if (cause instanceof StateError) return cause;
    return new StateError(`cannot ${what} ledger ${this.path} (${errCode(cause) ?? 'error'})`, this.path, { cause });
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.allocUnsafe(Math.max(0, length));
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await fh.read(buf, got, buf.length - got, position + got);
    if (bytesRead === 0) break;
    got += bytesRead;
  }
  return got === buf.length ? buf : buf.subarray(0, got);
}

async function writeAt(fh: FileHandle, data: Buffer, position: number): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await fh.write(data, done, data.length - done, position + done);
    done += bytesWritten;
  }
}
