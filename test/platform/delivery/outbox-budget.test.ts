import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../../functions/channels/channel.ts';
import { readDeadLetters, redrive } from '../../../functions/platform/delivery/dead-letter.ts';
import type { DrainResult } from '../../../functions/platform/delivery/outbox.ts';
import { captureChannel } from './fixtures/capture-channel.ts';
import { harness } from './fixtures/harness.ts';
import type { Harness } from './fixtures/harness.ts';
import { job } from './fixtures/jobs.ts';

let h: Harness;
beforeEach(async () => {
  h = await harness();
});
afterEach(async () => {
  await h.close();
});

/** Capture channels that also note the (fake) clock of every send, by receiver. */
function timedChannels() {
  const sends: Array<{ receiver: string; t: number }> = [];
  const resolve = (receiver: string): Channel => {
    const c = captureChannel(receiver, h.server.url);
    return { ...c, send: (n, ctx) => (sends.push({ receiver, t: h.clock.t }), c.send(n, ctx)) };
  };
  return { sends, resolve };
}

/**
 * `pooler-watch run` drains after every round with `deadlineMs = roundStart + interval` (30 s by default) while each
 * job gets `delivery.deadline` (60 s by default). The drain's deadline cuts a job's retries short (deferred), and the
 * next drain must go on where it stopped — same budget, same attempt count, the vendor's Retry-After still owed —
 * rather than start over, or a primary that keeps failing would never reach its fallback nor the dead letters.
 */
describe('a job budget and maxAttempts hold across drains', () => {
  it('a primary that rate-limits through round drains is handed to its fallback after maxAttempts, within its budget', async () => {
    // The vendor rate-limits every call and asks for 10 s between calls.
    h.server.fallback = { status: 429, headers: { 'retry-after': '10' } };
    const outbox = h.outbox({ jobBudgetMs: 60_000, retry: { maxAttempts: 6 } }); // the README defaults
    await outbox.enqueue([job('n-1', 'pagerduty', { fallback: 'slack' })]);
    const { sends, resolve } = timedChannels();

    const interval = 30_000;
    const firstRound = h.clock.t;
    const results: DrainResult[] = [];
    // Up to ten rounds of the `run` loop: 300 s of outage, 5× the job's 60 s budget.
    for (let round = 0; round < 10; round++) {
      const started = firstRound + round * interval;
      h.clock.t = Math.max(h.clock.t, started);
      results.push(await outbox.drain(resolve, { deadlineMs: started + interval }));
      if (results.at(-1)!.primaryFailures.length > 0) break;
    }
    const toPrimary = sends.filter((s) => s.receiver === 'pagerduty').map((s) => s.t);
    // maxAttempts across drains, within the budget, each attempt after the Retry-After the previous one got...
    expect(toPrimary).toHaveLength(6);
    expect(toPrimary.at(-1)! - toPrimary[0]!).toBeLessThanOrEqual(60_000);
    expect(toPrimary.slice(1).map((t, i) => t - toPrimary[i]!)).toEqual([10_000, 10_000, 10_000, 10_000, 10_000]);
    // ...the first round deferred it (its deadline came first), the second one used up its attempts.
    expect(results[0]).toMatchObject({ deferred: ['n-1'], primaryFailures: [] });
    expect(results).toHaveLength(2);
    // ...and the fallback receiver got the page.
    expect(results.flatMap((r) => r.primaryFailures).map((f) => [f.id, f.attempts, f.error.reason])).toEqual([['n-1', 6, 'HTTP 429']]);
    expect(h.server.requests.some((r) => r.path === '/slack')).toBe(true);
  });

  it('a primary failing through round drains is dead-lettered once its budget is spent, not retried forever', async () => {
    h.server.fallback = { status: 503 };
    const outbox = h.outbox({ jobBudgetMs: 60_000, retry: { maxAttempts: 50 } });
    await outbox.enqueue([job('n-1')]);
    const { sends, resolve } = timedChannels();
    const firstRound = h.clock.t;
    const results: DrainResult[] = [];
    for (let round = 0; round < 10; round++) {
      const started = firstRound + round * 30_000;
      h.clock.t = Math.max(h.clock.t, started);
      results.push(await outbox.drain(resolve, { deadlineMs: started + 30_000 }));
      if (results.at(-1)!.deadLettered.length > 0) break;
    }
    // Backoff (random 0.5): 0.25, 0.5, 1, 2, 4, 8, 15, 15, 15 s… The first drain stops at 15.75 s (the next wait ends
    // after its deadline), the second goes on at 30.75 s and 45.75 s, and stops for good: 60.75 s is past the budget.
    expect(sends.map((s) => s.t - firstRound)).toEqual([0, 250, 750, 1_750, 3_750, 7_750, 15_750, 30_750, 45_750]);
    expect(results.map((r) => [r.deferred, r.deadLettered.map((f) => [f.id, f.attempts])])).toEqual([
      [['n-1'], []],
      [[], [['n-1', 9]]],
    ]);
    expect((await readDeadLetters(h.deadLetterPath)).letters).toMatchObject([{ job: { id: 'n-1' }, attempts: 9, error: { status: 503, retryable: true } }]);
    expect(results.at(-1)!.pending).toBe(0);
  });

  it('a later drain (another process too) waits out the Retry-After; one ending before it sends nothing', async () => {
    h.server.script({ status: 429, headers: { 'retry-after': '20' } });
    const t0 = h.clock.t;
    await h.outbox().enqueue([job('n-1')]);
    const { sends, resolve } = timedChannels();

    const first = await h.outbox().drain(resolve, { deadlineMs: t0 + 5_000 });
    expect(first).toMatchObject({ deferred: ['n-1'], pending: 1 });
    const progress = (await readFile(h.outbox().path, 'utf8')).split('\n').filter((l) => l.includes('"progress"'));
    expect(progress.map((l) => JSON.parse(l) as unknown)).toEqual([
      {
        type: 'progress', id: 'n-1', firstAttemptAt: new Date(t0).toISOString(), attempts: 1, retryNotBefore: new Date(t0 + 20_000).toISOString(),
        error: { channel: 'webhook', status: 429, reason: 'HTTP 429', retryable: true }, at: expect.any(String),
      },
    ]);

    // A fresh Outbox (a restarted `run`, a `redrive`): its drain ends before the Retry-After does, so it sends nothing.
    h.clock.t = t0 + 6_000;
    const second = await h.outbox().drain(resolve, { deadlineMs: t0 + 12_000 });
    expect(second).toMatchObject({ deferred: ['n-1'], sent: [], pending: 1 });
    expect(sends).toHaveLength(1);

    h.clock.t = t0 + 12_000;
    h.sleeps.length = 0;
    const third = await h.outbox().drain(resolve);
    expect(third).toMatchObject({ sent: ['n-1'], pending: 0 });
    expect(h.sleeps).toEqual([8_000]);
    expect(sends.map((s) => s.t - t0)).toEqual([0, 20_000]);
  });

  it('a job whose budget ran out while it was pending fails at once with its last error, attempting nothing more', async () => {
    h.server.fallback = { status: 503 };
    const t0 = h.clock.t;
    await h.outbox().enqueue([job('n-1')]);
    const { sends, resolve } = timedChannels();
    expect((await h.outbox({ jobBudgetMs: 60_000 }).drain(resolve, { deadlineMs: t0 + 1_000 })).deferred).toEqual(['n-1']);
    const attempts = sends.length;
    h.clock.t = t0 + 10 * 60_000; // `run` was down for ten minutes
    const res = await h.outbox({ jobBudgetMs: 60_000 }).drain(resolve, { deadlineMs: h.clock.t + 30_000 });
    expect(res.deadLettered).toMatchObject([{ id: 'n-1', attempts, error: { status: 503, reason: 'HTTP 503', retryable: true } }]);
    expect(sends).toHaveLength(attempts);
  });

  it('a redriven job starts afresh: its done line forgot the progress of its first life', async () => {
    h.server.fallback = { status: 503 };
    const t0 = h.clock.t;
    const outbox = h.outbox({ jobBudgetMs: 60_000, retry: { maxAttempts: 3 } });
    await outbox.enqueue([job('n-1')]);
    const { sends, resolve } = timedChannels();
    expect((await outbox.drain(resolve, { deadlineMs: t0 + 300 })).deferred).toEqual(['n-1']); // 2 attempts, deferred
    expect((await outbox.drain(resolve)).deadLettered).toMatchObject([{ id: 'n-1', attempts: 3 }]);
    h.server.fallback = { status: 200 };
    expect((await redrive(h.deadLetterPath, (jobs) => outbox.enqueue(jobs))).redriven).toEqual(['n-1']);
    h.clock.t += 10 * 60_000;
    expect((await outbox.drain(resolve)).sent).toEqual(['n-1']);
    expect(sends).toHaveLength(4);
  });
});

describe('an attempt cut short by a shutdown', () => {
  it('does not use up one of the job attempts: with maxAttempts 1 the next start still sends it', async () => {
    const outbox = h.outbox({ jobBudgetMs: 60_000, retry: { maxAttempts: 1 } });
    await outbox.enqueue([job('n-1')]);
    const shutdown = new AbortController();
    // The first drain's only attempt hangs until the shutdown aborts it.
    const hanging = (receiver: string): Channel => ({
      ...captureChannel(receiver, h.server.url),
      send: (_n, ctx) =>
        new Promise((_resolve, reject) => {
          ctx.signal?.addEventListener('abort', () => reject(ctx.signal?.reason), { once: true });
          setTimeout(() => shutdown.abort(), 10);
        }),
    });
    const first = await outbox.drain(hanging, { signal: shutdown.signal });
    expect(first).toMatchObject({ sent: [], deadLettered: [], deferred: ['n-1'] });
    const { sends, resolve } = timedChannels();
    const second = await h.outbox({ jobBudgetMs: 60_000, retry: { maxAttempts: 1 } }).drain(resolve);
    expect(second).toMatchObject({ sent: ['n-1'], deadLettered: [] });
    expect(sends).toHaveLength(1);
  });
});
