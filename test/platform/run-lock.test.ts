import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { acquireRunLock } from '../../functions/platform/run-lock.ts';

let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

/**
 * In containers every `run` is PID 1, and kill(pid, 0) looks in the wrong PID namespace, so a PID alone cannot tell a
 * live holder from a dead one. The lock names host, PID and a token: a live holder with our PID (another container on a
 * shared volume, simulated here by this very process) is refused; a previous life of this process is taken over.
 */
describe('run lock', () => {
  it('is not taken over', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-review-lock-'));
    const path = join(dir, 'run.lock');
    const release = await acquireRunLock(path); // the old pod, still running
    try {
      await expect(acquireRunLock(path)).rejects.toThrow(/another pooler-watch run/);
    } finally {
      await release();
    }
  });

  it('takes over a lock left by a previous life of this process (same host and PID, a token it does not hold)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-lock-'));
    const path = join(dir, 'run.lock');
    await writeFile(path, JSON.stringify({ host: hostname(), pid: process.pid, token: 'before-the-restart' }));
    const release = await acquireRunLock(path);
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ host: hostname(), pid: process.pid });
    await release();
    await expect(readFile(path, 'utf8')).rejects.toThrow();
  });

  it('refuses a lock from another host, naming it and what to do', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-lock-'));
    const path = join(dir, 'run.lock');
    await writeFile(path, JSON.stringify({ host: 'pooler-watch-7d9f-abcde', pid: 1, token: 't' }));
    await expect(acquireRunLock(path)).rejects.toThrow(/pid 1 on host pooler-watch-7d9f-abcde; if that host is gone, delete/);
  });

  it('takes over a legacy PID-only lock of a dead process, and release leaves a lock that is no longer its own', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-lock-'));
    const path = join(dir, 'run.lock');
    await writeFile(path, '999999999');
    const release = await acquireRunLock(path);
    await writeFile(path, JSON.stringify({ host: hostname(), pid: process.pid, token: 'someone-else' }));
    await release();
    expect(JSON.parse(await readFile(path, 'utf8')).token).toBe('someone-else');
  });
});
