import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '../../../functions/platform/delivery/file-ledger.ts';
import { MemoryLedger } from '../../../functions/platform/delivery/ledger.ts';
import type { Ledger, LedgerBounds } from '../../../functions/platform/delivery/ledger.ts';
import { createLogger } from '../../../functions/platform/logger.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pw-ledger-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const adapters: Array<[string, (b: LedgerBounds) => Ledger]> = [
  ['MemoryLedger', (b) => new MemoryLedger(b)],
  ['FileLedger', (b) => new FileLedger(join(dir, 'ledger.json'), b)],
];

describe.each(adapters)('%s', (_name, make) => {
  it('records ids with receipts and group threads', async () => {
    const ledger = make({});
    expect(await ledger.has('a')).toBe(false);
    await ledger.record('a', { ts: '1700.1' });
    await ledger.record('b');
    expect(await ledger.has('a')).toBe(true);
    expect(await ledger.receipt('a')).toEqual({ ts: '1700.1' });
    expect(await ledger.receipt('b')).toBeUndefined();
    await ledger.recordThread('slack', 'g1', { channel: 'C1', ts: '1700.1' });
    expect(await ledger.threadReceipt('slack', 'g1')).toEqual({ channel: 'C1', ts: '1700.1' });
    expect(await ledger.threadReceipt('teams', 'g1')).toBeUndefined();
  });

  it('forgets entries after the TTL and keeps at most maxEntries (oldest dropped)', async () => {
    let t = 0;
    const ledger = make({ ttlMs: 1_000, maxEntries: 3, now: () => t });
    for (const id of ['a', 'b', 'c', 'd']) {
      await ledger.record(id);
      t += 10;
    }
    expect(await ledger.has('a')).toBe(false);
    expect(await ledger.has('d')).toBe(true);
    t += 1_000;
    expect(await ledger.has('d')).toBe(false);
  });

  it('claim: one live owner at a time; released, expired or own claims can be taken', async () => {
    const ledger = make({});
    expect(await ledger.claim('x', 'run-1', 0, 1_000)).toEqual({ ok: true });
    expect(await ledger.claim('x', 'run-2', 500, 1_000)).toEqual({ ok: false, reason: 'held', owner: 'run-1' });
    expect(await ledger.claim('x', 'run-1', 600, 1_000)).toEqual({ ok: true });
    expect(await ledger.claim('x', 'run-2', 1_700, 1_000)).toEqual({ ok: true }); // run-1's lease ran out
    await ledger.release('x', 'run-1'); // not the holder: no-op
    expect((await ledger.claim('x', 'run-3', 1_800, 1_000)).ok).toBe(false);
    await ledger.release('x', 'run-2');
    expect((await ledger.claim('x', 'run-3', 1_800, 1_000)).ok).toBe(true);
  });

  it('claim of a delivered id says so', async () => {
    const ledger = make({});
    await ledger.claim('x', 'run-1', 0, 1_000);
    await ledger.record('x');
    expect(await ledger.claim('x', 'run-2', 10, 1_000)).toEqual({ ok: false, reason: 'delivered' });
  });
});

describe('FileLedger persistence', () => {
  it('survives a new instance and shares claims across instances', async () => {
    const path = join(dir, 'ledger.json');
    await new FileLedger(path).record('a', { ts: '1' });
    const b = new FileLedger(path);
    expect(await b.receipt('a')).toEqual({ ts: '1' });
    expect((await b.claim('x', 'one', Date.now(), 60_000)).ok).toBe(true);
    expect((await new FileLedger(path).claim('x', 'two', Date.now(), 60_000)).ok).toBe(false);
  });

  it('concurrent claims of one id from many instances: exactly one wins', async () => {
    const path = join(dir, 'ledger.json');
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => new FileLedger(path).claim('same', `run-${i}`, Date.now(), 60_000)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it('a claim held by a dead local process is treated as expired', async () => {
    const path = join(dir, 'ledger.json');
    const dead = 2 ** 22 + 12_345; // above Linux's default pid_max: never a live process
    const value = { delivered: {}, threads: {}, claims: { x: { owner: 'gone', expiresAt: Date.now() + 60_000, pid: dead, host: (await import('node:os')).hostname() } } };
    await writeFile(path, JSON.stringify({ version: 1, savedAt: 0, value }));
    expect((await new FileLedger(path).claim('x', 'me', Date.now(), 1_000)).ok).toBe(true);
  });

  it('a corrupt file is set aside with a warning; delivery state restarts empty', async () => {
    const path = join(dir, 'ledger.json');
    await writeFile(path, '{ not json');
    const lines: string[] = [];
    const ledger = new FileLedger(path, { logger: createLogger({ stream: { write: (l: string) => lines.push(l) } }) });
    expect(await ledger.has('a')).toBe(false);
    await ledger.record('a');
    expect(await new FileLedger(path).has('a')).toBe(true);
    expect(lines.join('')).toContain('ledger file corrupt');
    expect((await readdir(dir)).some((f) => f.startsWith('ledger.json.corrupt-'))).toBe(true);
  });
});
