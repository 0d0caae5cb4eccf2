import { mkdtemp, open, readFile, rm } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileLedger } from '../../../functions/platform/delivery/file-ledger.ts';
import { Outbox } from '../../../functions/platform/delivery/outbox.ts';
import { OutboxFile } from '../../../functions/platform/delivery/outbox-file.ts';
import { createLogger } from '../../../functions/platform/logger.ts';
import { job } from './fixtures/jobs.ts';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbox-file-'));
});
afterEach(async () => {
  vi.restoreAllMocks();
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

describe('OutboxFile progress lines', () => {
  const at = '2026-11-26T10:00:00.000Z';
  const progress = (attempts: number) => ({ firstAttemptAt: Date.parse(at), attempts, retryNotBefore: Date.parse(at) + 10_000, lastError: { channel: 'webhook', status: 429, reason: 'HTTP 429', retryable: true } });

  it('the latest line of a pending job wins, compaction keeps it after its job, a done line forgets it', async () => {
    const file = new OutboxFile(join(dir, 'outbox.jsonl'));
    await file.append([{ type: 'job', job: job('a') }, { type: 'job', job: job('b') }]);
    await file.recordProgress('a', progress(1), at);
    await file.recordProgress('a', progress(3), at);
    await file.markDone('b', 'sent', at);
    expect((await file.read()).progress).toEqual(new Map([['a', progress(3)]]));
    // job b, done b and the first progress line of a: 3 lines of garbage against 1 pending job.
    expect(await file.compact()).toBe(1);
    const text = await readFile(file.path, 'utf8');
    expect(text.split('\n').filter((l) => l !== '').map((l) => (JSON.parse(l) as { type: string }).type)).toEqual(['job', 'progress']);
    expect((await file.read()).progress).toEqual(new Map([['a', progress(3)]]));
    await file.markDone('a', 'dead-letter', at);
    await file.append([{ type: 'job', job: job('a') }]); // redriven
    expect(await file.read()).toMatchObject({ jobs: [{ id: 'a' }], progress: new Map(), bad: [] });
  });

  it('ignores the progress of a job that is not pending', async () => {
    const file = new OutboxFile(join(dir, 'outbox.jsonl'));
    await file.recordProgress('gone', progress(2), at);
    expect(await file.read()).toMatchObject({ jobs: [], progress: new Map(), bad: [] });
  });
});

/**
 * OutboxFile keeps one appender open for a whole burst (up to 200 ms). If a write fails part-way (ENOSPC / EDQUOT /
 * EIO after a short write), the next batch in the same burst must not be appended straight after the half line: its
 * caller is told the job is durable, and a job line glued to a torn one is unreadable (moved to `.rejected`): lost.
 */
describe('a failed partial append', () => {
  async function shortWriteThenFail() {
    const probe = await open(join(dir, 'probe'), 'w');
    const proto = Object.getPrototypeOf(probe) as FileHandle;
    await probe.close();
    const real = proto.appendFile;
    let entered!: () => void;
    const inFirstWrite = new Promise<void>((r) => (entered = r));
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    let calls = 0;
    vi.spyOn(proto, 'appendFile').mockImplementation(async function (this: FileHandle, data, options) {
      calls++;
      if (calls > 1) return real.call(this, data, options);
      entered();
      await released;
      // The disk fills up mid-write: part of the batch lands on disk, then the write fails.
      const buf = Buffer.from(String(data), 'utf8');
      await this.write(buf, 0, Math.floor(buf.length / 2));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    return { proto, inFirstWrite, release };
  }

  const outbox = () =>
    new Outbox({
      path: join(dir, 'outbox.jsonl'),
      deadLetterPath: join(dir, 'dead-letter.jsonl'),
      ledger: new FileLedger(join(dir, 'ledger.json')),
      logger: createLogger({ stream: { write: () => true } }),
    });

  it('is taken back: an enqueue that resolved after it in the same burst is readable as a pending job', async () => {
    const { inFirstWrite, release } = await shortWriteThenFail();
    const o = outbox();
    const first = o.enqueue([job('a-1')]);
    await inFirstWrite;
    const second = o.enqueue([job('b-2')]); // arrives during the first write: next batch, same open appender
    release();
    await expect(first).rejects.toThrow(/ENOSPC/); // the first caller is told: not durable (it will retry)
    await second; // the second caller is told: durable

    const text = await readFile(o.path, 'utf8');
    const { jobs, badLines } = await o.pending();
    expect({ jobs: jobs.map((j) => j.id), badLines, text: text.length > 0 }).toEqual({ jobs: ['b-2'], badLines: [], text: true });
  });

  it('when it cannot be taken back, the next batch still starts on a line of its own', async () => {
    const { proto, inFirstWrite, release } = await shortWriteThenFail();
    vi.spyOn(proto, 'truncate').mockRejectedValue(Object.assign(new Error('EIO: i/o error, ftruncate'), { code: 'EIO' }));
    const o = outbox();
    const first = o.enqueue([job('a-1')]);
    await inFirstWrite;
    const second = o.enqueue([job('b-2')]);
    release();
    await expect(first).rejects.toThrow(/ENOSPC/);
    await second;

    // The half line stays alone (set aside by compaction); the acknowledged job is whole.
    const { jobs, badLines } = await o.pending();
    expect({ jobs: jobs.map((j) => j.id), badLines }).toEqual({ jobs: ['b-2'], badLines: ['line 1: not valid JSON'] });
  });
});
