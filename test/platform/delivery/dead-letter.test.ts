import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appendDeadLetter, readDeadLetters, redrive } from '../../../functions/platform/delivery/dead-letter.ts';
import type { DeadLetter } from '../../../functions/platform/delivery/dead-letter.ts';
import type { DeliveryJob } from '../../../functions/platform/delivery/job.ts';
import { job } from './fixtures/jobs.ts';

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pw-dlq-'));
  path = join(dir, 'dead-letter.jsonl');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const letter = (id: string, receiver: string): DeadLetter => ({
  job: job(id, receiver),
  error: { channel: 'slack', status: 404, reason: 'HTTP 404', retryable: false },
  attempts: 1,
  at: '2026-11-24T12:00:00.000Z',
});

describe('dead letters', () => {
  it('reads a missing file as empty', async () => {
    expect(await readDeadLetters(path)).toEqual({ letters: [], bad: [] });
  });

  it('reads tolerantly: bad lines by number, good lines intact, unknown fields kept', async () => {
    await appendDeadLetter(path, letter('a', 'slack'));
    await writeFile(path, `${await readFile(path, 'utf8')}{"job":{}}\nnot json\n${JSON.stringify({ ...letter('b', 'teams'), extra: 1 })}\n`);
    const { letters, bad } = await readDeadLetters(path);
    expect(letters.map((l) => l.job.id)).toEqual(['a', 'b']);
    expect((letters[1] as unknown as { extra: number }).extra).toBe(1);
    expect(bad.map((b) => b.line)).toEqual([2, 3]);
    expect(bad[1]!.error).toBe('line 3: not valid JSON');
  });

  it('redrive moves matching letters (by receiver and ids) to the outbox and keeps the rest, bad lines too', async () => {
    for (const [id, r] of [['a', 'slack'], ['b', 'teams'], ['c', 'slack']] as const) await appendDeadLetter(path, letter(id, r));
    await writeFile(path, `${await readFile(path, 'utf8')}garbage\n`);
    const enqueued: DeliveryJob[] = [];
    const res = await redrive(path, async (jobs) => void enqueued.push(...jobs), { receiver: 'slack', ids: ['c'], now: () => Date.parse('2026-11-25T00:00:00Z') });
    expect(res.redriven).toEqual(['c']);
    expect(res.remaining).toBe(2);
    expect(enqueued).toMatchObject([{ id: 'c', receiver: 'slack', enqueuedAt: '2026-11-25T00:00:00.000Z' }]);
    const after = await readDeadLetters(path);
    expect(after.letters.map((l) => l.job.id)).toEqual(['a', 'b']);
    expect(after.bad.map((b) => b.error)).toEqual(['line 3: not valid JSON']);
    expect(await readFile(path, 'utf8')).toContain('garbage');
  });

  it('a failing enqueue leaves the dead-letter file untouched', async () => {
    await appendDeadLetter(path, letter('a', 'slack'));
    const before = await readFile(path, 'utf8');
    await expect(redrive(path, async () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect(await readFile(path, 'utf8')).toBe(before);
  });
});
