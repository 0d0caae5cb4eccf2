import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readDeadLetters } from '../../../functions/platform/delivery/dead-letter.ts';
import { FileLedger } from '../../../functions/platform/delivery/file-ledger.ts';
import { Outbox } from '../../../functions/platform/delivery/outbox.ts';
import { createLogger } from '../../../functions/platform/logger.ts';
import { startCaptureServer } from '../../helpers/capture-server.ts';
import type { CaptureServer } from '../../helpers/capture-server.ts';
import { captureChannel } from './fixtures/capture-channel.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');
const N = 30;

let dir: string;
let server: CaptureServer;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pw-kill-'));
  server = await startCaptureServer({ status: 200, delayMs: 60 }); // slow vendor: deliveries are in flight when the kill lands
});
afterEach(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('a process killed mid-delivery', () => {
  it('loses nothing: every id reaches the vendor, duplicates only for the in-flight ones', async () => {
    // `node --import tsx` rather than `npx tsx`: one process, so SIGKILL hits the one doing the work.
    const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures', 'drain-child.ts'), dir, server.url, String(N)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
    const until = Date.now() + 20_000;
    while (server.requests.length < N / 3 && Date.now() < until && child.exitCode === null) await new Promise((r) => setTimeout(r, 5));
    expect(out, err).toContain('enqueued');
    expect(server.requests.length).toBeGreaterThanOrEqual(N / 3);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    expect(out).not.toContain('drained');
    const beforeRestart = server.requests.length;
    expect(beforeRestart).toBeLessThan(N);

    const outbox = new Outbox({
      path: join(dir, 'outbox.jsonl'),
      deadLetterPath: join(dir, 'dead-letter.jsonl'),
      ledger: new FileLedger(join(dir, 'ledger.json')),
      logger: createLogger({ stream: { write: () => true } }),
    });
    expect((await outbox.pending()).jobs.length).toBeGreaterThan(0);
    const res = await outbox.drain((r) => captureChannel(r, server.url));
    expect(res.deferred).toEqual([]); // the dead run's claims were not waited out

    const ids = server.requests.map((r) => (r.json as { id: string }).id);
    const counts = new Map<string, number>();
    for (const id of ids) counts.set(id, (counts.get(id) ?? 0) + 1);
    const all = Array.from({ length: N }, (_, i) => `kill-${i}`);
    expect([...counts.keys()].sort()).toEqual([...all].sort()); // at least once
    const duplicates = [...counts.values()].filter((c) => c > 1).length;
    expect(duplicates).toBeLessThanOrEqual(3); // at most one in flight per receiver lane (3 receivers)
    expect([...counts.values()].every((c) => c <= 2)).toBe(true);

    const ledger = new FileLedger(join(dir, 'ledger.json'));
    for (const id of all) expect(await ledger.has(id)).toBe(true);
    expect(res.pending).toBe(0);
    expect(await readFile(outbox.path, 'utf8')).toBe('');
    expect((await readDeadLetters(join(dir, 'dead-letter.jsonl'))).letters).toEqual([]);
  });
});
