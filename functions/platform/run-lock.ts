import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { ConfigError } from './errors.ts';
import { isProcessAlive } from './delivery/file-lock.ts';

const HOST = hostname();

interface Holder {
  host: string;
  pid: number;
  token: string;
}

/** Tokens of the locks this process holds: a holder with our PID and one of these is alive (it is us). */
const held = new Set<string>();

function parseHolder(text: string): Holder | undefined {
  try {
    const h = JSON.parse(text) as Partial<Holder>;
    if (typeof h.host === 'string' && Number.isInteger(h.pid) && typeof h.token === 'string') return h as Holder;
  } catch {
    // Written by an older version: its PID alone.
  }
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? { host: HOST, pid, token: '' } : undefined;
}

/**
 * Whether the holder may still be running. On another host we cannot tell, so it may. On ours, a holder with our PID
 * but a token we do not hold is a previous life of this process (a container restarted as PID 1 after kill -9): gone.
 */
function mayBeAlive(h: Holder): boolean {
  if (h.host !== HOST) return true;
  if (h.pid === process.pid) return held.has(h.token);
  return isProcessAlive(h.pid);
}

/**
 * One `run` per state directory: two loops over the same state file would evaluate the same transitions and
 * notify twice. The lock names its host, PID and a token, written whole before it appears (a temporary file linked
 * into place), so a concurrent start never reads it half-written. A lock left by a dead process on this host (kill -9,
 * power loss, a restarted container) is taken over; one from another host is refused, naming it, since only its
 * operator can tell whether it still runs.
 */
export async function acquireRunLock(path: string): Promise<() => Promise<void>> {
  await mkdir(dirname(path), { recursive: true });
  const me: Holder = { host: HOST, pid: process.pid, token: randomUUID() };
  const temp = `${path}.${me.token}`;
  await writeFile(temp, JSON.stringify(me), { mode: 0o600 });
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(temp, path);
        held.add(me.token);
        return () => release(path, me.token);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const holder = parseHolder(await readFile(path, 'utf8').catch(() => ''));
        if (holder && mayBeAlive(holder)) {
          const where = holder.host === HOST ? `pid ${holder.pid}` : `pid ${holder.pid} on host ${holder.host}; if that host is gone, delete ${path}`;
          throw new ConfigError(`${path}: another pooler-watch run (${where}) uses this state directory`);
        }
        await rm(path, { force: true });
      }
    }
    throw new ConfigError(`${path}: could not take the run lock`);
  } finally {
    await unlink(temp).catch(() => undefined);
  }
}

/** Removes the lock only if it is still ours: a run that lost it (deleted by hand, taken over) leaves the new one alone. */
async function release(path: string, token: string): Promise<void> {
  held.delete(token);
  const holder = parseHolder(await readFile(path, 'utf8').catch(() => ''));
  if (holder?.token === token) await rm(path, { force: true });
}
