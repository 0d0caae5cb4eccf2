import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { OutboxFile } from '../../../functions/platform/delivery/outbox-file.ts';
import { job } from './fixtures/jobs.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbox-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});
const lines = async (path: string) => (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '').length;

describe('OutboxFile compaction', () => {
  it('leaves a file that is mostly pending alone, and rewrites it once finished lines are at least half', async () => {
    const file = new OutboxFile(join(dir, 'outbox.jsonl'));
    await file.append(Array.from({ length: 6 }, (_, i) => ({ type: 'job' as const, job: job(`j-${i}`) })));
    const at = '2026-11-26T10:00:00.000Z';
    await file.markDone('j-0', 'sent', at);
    // 6 jobs + 1 done line: 2 lines of garbage against 5 pending, not worth a rewrite under the appenders' lock.
    expect(await file.compact()).toBe(5);
    expect(await lines(file.path)).toBe(7);
    await file.markDone('j-1', 'sent', at);
    await file.markDone('j-2', 'sent', at);
    // 6 finished lines against 3 pending: rewritten to the pending jobs only.
    expect(await file.compact()).toBe(3);
    expect(await lines(file.path)).toBe(3);
    expect((await file.read()).jobs.map((j) => j.id)).toEqual(['j-3', 'j-4', 'j-5']);
  });

  it('empties the file once nothing is pending', async () => {
    const file = new OutboxFile(join(dir, 'outbox.jsonl'));
    await file.append([{ type: 'job', job: job('only') }]);
    await file.markDone('only', 'sent', '2026-11-26T10:00:00.000Z');
    expect(await file.compact()).toBe(0);
    expect(await readFile(file.path, 'utf8')).toBe('');
  });

  it('keeps concurrent appends whole and in order, across the writer lingering between batches', async () => {
    const file = new OutboxFile(join(dir, 'outbox.jsonl'));
    for (let burst = 0; burst < 3; burst++) {
      await Promise.all(Array.from({ length: 20 }, (_, i) => file.append([{ type: 'job', job: job(`b${burst}-${i}`) }])));
      // Longer than the linger: the writer lets the lock go, and the next burst takes it again.
      await new Promise((r) => setTimeout(r, 20));
    }
    const read = await file.read();
    expect(read.bad).toEqual([]);
    expect(read.jobs).toHaveLength(60);
    expect(read.jobs.slice(0, 20).map((j) => j.id)).toEqual(Array.from({ length: 20 }, (_, i) => `b0-${i}`));
  });
});
