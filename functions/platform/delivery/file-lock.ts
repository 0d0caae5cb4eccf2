import { randomUUID } from 'node:crypto';
import { link, mkdir, open, readdir, readFile, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { StateError } from '../errors.ts';

/** Options of {@link withFileLock}. */
export interface FileLockOptions {
  /** Give up (StateError) after waiting this long for the lock; default 10 s. */
  timeoutMs?: number;
  /** A lock older than this is considered abandoned; default 30 s (critical sections last milliseconds). */
  staleMs?: number;
}

interface LockContent {
  pid: number;
  host: string;
  token: string;
  at: number;
}

const HOST = hostname();

/** Whether `pid` is a live process on this host (`kill(pid, 0)`; EPERM means alive but not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Runs `fn` while holding an exclusive lock file (`open(…, 'wx')`, atomic on local file systems), so
 * read-modify-write of a shared file is safe across processes and across instances in one process.
 * A lock left by a dead process on this host (SIGKILL mid-section) or older than `staleMs` is broken:
 * renamed aside, verified to be the one judged stale, then removed.
 *
 * Handover: a process that has to wait leaves a ticket (`<lock>.wait-<token>`) until it gets the lock. A process
 * that releases the lock while tickets of other processes are there does not take it again before those have
 * had it (or {@link HANDOVER_MS} passed, or their processes died): a process that takes the lock over and over (a
 * webhook burst) can no longer starve one that polls for it.
 */
export async function withFileLock<R>(lockPath: string, fn: () => Promise<R>, options: FileLockOptions = {}): Promise<R> {
  // Callers in this process queue here instead of spinning on the lock file: under load (a webhook burst while the
  // outbox drains) the spin's sleeps, not the disk, were what held requests up.
  const previous = inProcess.get(lockPath) ?? Promise.resolve();
  let done!: () => void;
  const turn = previous.then(() => new Promise<void>((resolve) => (done = resolve)));
  inProcess.set(lockPath, turn);
  await previous;
  const staleMs = options.staleMs ?? 30_000;
  try {
    await letWaitersIn(lockPath, staleMs);
    const token = await acquire(lockPath, options.timeoutMs ?? 10_000, staleMs);
    try {
      return await fn();
    } finally {
      await releaseLock(lockPath, token);
      const waiting = await waiters(lockPath, staleMs);
      if (waiting.length > 0) owed.set(lockPath, waiting);
    }
  } finally {
    done();
    if (inProcess.get(lockPath) === turn) inProcess.delete(lockPath);
  }
}

const inProcess = new Map<string, Promise<void>>();

/** Longest this process lets waiters of other processes go first before it takes a lock again. */
const HANDOVER_MS = 500;
const TICKET = '.wait-';
/** Per lock: tickets of other processes' waiters seen when this process released it, to let in first. */
const owed = new Map<string, string[]>();

/** Ticket paths of live waiters from other processes (tickets of dead processes on this host are removed). */
async function waiters(lockPath: string, staleMs: number): Promise<string[]> {
  const dir = dirname(lockPath);
  const prefix = `${basename(lockPath)}${TICKET}`;
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => n.startsWith(prefix));
  } catch {
    return [];
  }
  if (names.length === 0) return [];
  const live = await Promise.all(names.map(async (n) => ((await ticketLive(join(dir, n), staleMs)) ? join(dir, n) : undefined)));
  return live.filter((t): t is string => t !== undefined);
}

/** Whether a waiter's ticket stands for a live waiter of another process. */
async function ticketLive(ticket: string, staleMs: number): Promise<boolean> {
  const holder = await readHolder(ticket);
  if (holder === 'gone') return false;
  if (holder === 'unreadable') {
    // Created but not yet written (or its writer died in between).
    return stat(ticket).then((s) => Date.now() - s.mtimeMs < Math.min(1_000, staleMs), () => false);
  }
  if (holder.host === HOST && holder.pid === process.pid) return false;
  if (holder.host === HOST && !isProcessAlive(holder.pid)) {
    await unlink(ticket).catch(() => undefined);
    return false;
  }
  return Date.now() - holder.at < staleMs;
}

/** Waits until the waiters this process saw at its last release have had the lock (bounded by HANDOVER_MS). */
async function letWaitersIn(lockPath: string, staleMs: number): Promise<void> {
  let tickets = owed.get(lockPath);
  owed.delete(lockPath);
  const until = Date.now() + HANDOVER_MS;
  while (tickets && tickets.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 2));
    const live = await Promise.all(tickets.map(async (t) => ((await ticketLive(t, staleMs)) ? t : undefined)));
    tickets = live.filter((t): t is string => t !== undefined);
  }
}

async function acquire(lockPath: string, timeoutMs: number, staleMs: number): Promise<string> {
  const token = randomUUID();
  const content: LockContent = { pid: process.pid, host: HOST, token, at: Date.now() };
  const started = Date.now();
  await mkdir(dirname(lockPath), { recursive: true });
  let ticket: string | undefined;
  try {
    for (let spin = 0; ; spin++) {
      try {
        const fh = await open(lockPath, 'wx', 0o600);
        try {
          await fh.writeFile(JSON.stringify(content), 'utf8');
        } finally {
          await fh.close();
        }
        return token;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
          throw new StateError(`cannot create lock ${lockPath} (${(err as NodeJS.ErrnoException).code ?? 'error'})`, lockPath, { cause: err });
        }
      }
      if (ticket === undefined) {
        // Tell the holder someone waits (see withFileLock): it lets us in before it takes the lock again.
        const path = `${lockPath}${TICKET}${token}`;
        ticket = await writeFile(path, JSON.stringify(content), { encoding: 'utf8', mode: 0o600 }).then(() => path, () => '');
      }
      const holder = await readHolder(lockPath);
      if (holder !== 'gone' && (await isStale(lockPath, holder, staleMs))) await breakLock(lockPath, holder);
      else if (Date.now() - started > timeoutMs) throw new StateError(`timed out waiting for lock ${lockPath}`, lockPath);
      // Short polls: a holder handing over waits for us to take the lock.
      else if (holder !== 'gone') await new Promise((r) => setTimeout(r, Math.min(2 + spin, 8) + Math.random() * 4));
    }
  } finally {
    if (ticket) await unlink(ticket).catch(() => undefined);
  }
}

async function readHolder(lockPath: string): Promise<LockContent | 'unreadable' | 'gone'> {
  try {
    const raw = JSON.parse(await readFile(lockPath, 'utf8')) as Partial<LockContent>;
    if (typeof raw.pid === 'number' && typeof raw.token === 'string' && typeof raw.at === 'number' && typeof raw.host === 'string') {
      return raw as LockContent;
    }
    return 'unreadable';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : 'unreadable';
  }
}

async function isStale(lockPath: string, holder: LockContent | 'unreadable', staleMs: number): Promise<boolean> {
  if (holder === 'unreadable') {
    // Created but not yet written (or the writer died in between): give the writer a second.
    const age = await stat(lockPath).then((s) => Date.now() - s.mtimeMs, () => 0);
    return age > Math.min(1_000, staleMs);
  }
  if (holder.host === HOST && holder.pid !== process.pid && !isProcessAlive(holder.pid)) return true;
  return Date.now() - holder.at > staleMs;
}

async function breakLock(lockPath: string, judged: LockContent | 'unreadable'): Promise<void> {
  const aside = `${lockPath}.stale-${randomUUID()}`;
  try {
    await rename(lockPath, aside);
  } catch {
    return; // someone else broke or released it first
  }
  const taken = await readHolder(aside);
  const same = judged === 'unreadable' ? taken === 'unreadable' : taken !== 'gone' && taken !== 'unreadable' && taken.token === judged.token;
  // We raced another breaker and took a fresh lock: put it back (fails harmlessly if a new one exists).
  if (!same) await link(aside, lockPath).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

async function releaseLock(lockPath: string, token: string): Promise<void> {
  const holder = await readHolder(lockPath);
  if (holder !== 'gone' && holder !== 'unreadable' && holder.token === token) await unlink(lockPath).catch(() => undefined);
}
