import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deliverWithRetry } from '../../../functions/platform/delivery/retry.ts';
import { ChannelError } from '../../../functions/platform/errors.ts';
import { sendHttp } from '../../../functions/platform/http.ts';
import { startCaptureServer } from '../../helpers/capture-server.ts';
import type { CaptureServer } from '../../helpers/capture-server.ts';

/** A fake clock whose sleeps advance time instantly and are recorded. */
function fakeTime(start = 1_000_000) {
  const clock = { t: start, sleeps: [] as number[] };
  return {
    clock,
    now: () => clock.t,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.t += ms;
    },
  };
}

describe('deliverWithRetry over real HTTP', () => {
  let server: CaptureServer;
  beforeEach(async () => {
    server = await startCaptureServer();
  });
  afterEach(async () => {
    await server.close();
  });
  const post = (ctx: { signal: AbortSignal; timeoutMs: number }) =>
    sendHttp({ channel: 'webhook', url: `${server.url}/hook`, body: { id: 'n1' }, timeoutMs: ctx.timeoutMs, signal: ctx.signal });

  it('500, 500, 200 → delivered after 3 attempts with growing jittered backoff', async () => {
    server.script({ status: 500 }, { status: 500 }, { status: 200 });
    const t = fakeTime();
    const res = await deliverWithRetry(post, { deadlineMs: t.now() + 60_000, now: t.now, sleep: t.sleep, random: () => 0.5 });
    expect(res.ok).toBe(true);
    expect(res.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
    expect(t.clock.sleeps).toEqual([250, 500]); // 0.5 × 500, 0.5 × 1000
  });

  it('429 with Retry-After: 1 → waits at least 1 s even when jitter says less', async () => {
    server.script({ status: 429, headers: { 'retry-after': '1' } }, { status: 200 });
    const t = fakeTime();
    const res = await deliverWithRetry(post, { deadlineMs: t.now() + 60_000, now: t.now, sleep: t.sleep, random: () => 0 });
    expect(res).toMatchObject({ ok: true, attempts: 2 });
    expect(t.clock.sleeps).toEqual([1000]);
  });

  it('a hanging vendor times out per attempt (retryable) and the retry succeeds', async () => {
    server.script({ status: 200, delayMs: 3_000 }, { status: 200 });
    const t = fakeTime();
    const started = Date.now();
    const res = await deliverWithRetry(post, { deadlineMs: t.now() + 60_000, perAttemptTimeoutMs: 200, now: t.now, sleep: t.sleep, random: () => 0 });
    expect(res).toMatchObject({ ok: true, attempts: 2 });
    expect(Date.now() - started).toBeLessThan(2_500);
  });

  it('401 is permanent: one attempt, no sleep', async () => {
    server.script({ status: 401 });
    const t = fakeTime();
    const res = await deliverWithRetry(post, { deadlineMs: t.now() + 60_000, now: t.now, sleep: t.sleep });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error).toMatchObject({ status: 401, retryable: false, reason: 'HTTP 401' });
    expect(res.attempts).toBe(1);
    expect(t.clock.sleeps).toEqual([]);
  });
});

describe('deliverWithRetry rules', () => {
  const failing = (err: unknown) => async () => {
    throw err;
  };
  const retryable = new ChannelError({ channel: 'slack', status: 503, reason: 'HTTP 503', retryable: true });

  it('never sleeps past the deadline: stops when the next wait would cross it', async () => {
    const t = fakeTime();
    const deadline = t.now() + 3_000;
    const res = await deliverWithRetry(failing(retryable), { deadlineMs: deadline, now: t.now, sleep: t.sleep, random: () => 0.999 });
    expect(res.ok).toBe(false);
    expect(res.attempts).toBe(3); // waits ~500 and ~1000; the next (~2000) would end at 3500 > 3000
    expect(t.clock.t).toBeLessThanOrEqual(deadline);
    expect(t.clock.sleeps.reduce((a, b) => a + b, 0)).toBeLessThan(3_000);
  });

  it('a Retry-After beyond the deadline stops at once', async () => {
    const t = fakeTime();
    const err = new ChannelError({ channel: 'pagerduty', status: 429, reason: 'HTTP 429', retryable: true, retryAfterMs: 120_000 });
    const res = await deliverWithRetry(failing(err), { deadlineMs: t.now() + 60_000, now: t.now, sleep: t.sleep });
    expect(res.attempts).toBe(1);
    expect(t.clock.sleeps).toEqual([]);
  });

  it('the per-attempt timeout never exceeds the time left', async () => {
    const t = fakeTime();
    const seen: number[] = [];
    await deliverWithRetry(
      async (ctx) => {
        seen.push(ctx.timeoutMs);
        throw retryable;
      },
      { deadlineMs: t.now() + 4_000, perAttemptTimeoutMs: 10_000, now: t.now, sleep: t.sleep, random: () => 1 },
    );
    expect(seen[0]).toBe(4_000);
    expect(seen[1]).toBe(3_500);
  });

  it('stops after maxAttempts', async () => {
    const t = fakeTime();
    const res = await deliverWithRetry(failing(retryable), { deadlineMs: t.now() + 10_000_000, maxAttempts: 4, now: t.now, sleep: t.sleep, random: () => 1 });
    expect(res.attempts).toBe(4);
    expect(t.clock.sleeps).toEqual([500, 1000, 2000]);
  });

  it('caps the backoff at maxDelayMs', async () => {
    const t = fakeTime();
    await deliverWithRetry(failing(retryable), { deadlineMs: t.now() + 10_000_000, maxDelayMs: 1_500, now: t.now, sleep: t.sleep, random: () => 1 });
    expect(t.clock.sleeps).toEqual([500, 1000, 1500, 1500, 1500]);
  });

  it('a non-ChannelError becomes non-retryable `unexpected <Name>` without its message', async () => {
    const t = fakeTime();
    const res = await deliverWithRetry(failing(new TypeError('boom https://hooks.example.com/T000/secret-token')), {
      deadlineMs: t.now() + 60_000, channel: 'teams', now: t.now, sleep: t.sleep,
    });
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error).toBeInstanceOf(ChannelError);
    expect(res.error).toMatchObject({ channel: 'teams', reason: 'unexpected TypeError', retryable: false });
    expect(JSON.stringify({ m: res.error.message, r: res.error.reason })).not.toContain('secret-token');
    expect(res.attempts).toBe(1);
  });

  it('a channel that ignores its signal is still cut off at the attempt timeout', async () => {
    const t = fakeTime();
    const started = Date.now();
    const res = await deliverWithRetry(() => new Promise<never>(() => undefined), {
      deadlineMs: t.now() + 60_000, perAttemptTimeoutMs: 50, maxAttempts: 2, now: t.now, sleep: t.sleep,
    });
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.error).toMatchObject({ reason: 'timeout', retryable: true });
    expect(res.attempts).toBe(2);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('an aborted signal stops retrying', async () => {
    const ctrl = new AbortController();
    const t = fakeTime();
    let calls = 0;
    const res = await deliverWithRetry(
      async () => {
        calls++;
        ctrl.abort();
        throw retryable;
      },
      { deadlineMs: t.now() + 60_000, now: t.now, sleep: t.sleep, signal: ctrl.signal },
    );
    expect(res.ok).toBe(false);
    expect(calls).toBe(1);
  });

  it('reports each attempt (for the outcome log line)', async () => {
    const t = fakeTime();
    const reports: unknown[] = [];
    let n = 0;
    await deliverWithRetry(
      async () => {
        if (++n < 2) throw retryable;
        return 'ok';
      },
      { deadlineMs: t.now() + 60_000, now: t.now, sleep: t.sleep, random: () => 0, onAttempt: (r) => reports.push(r) },
    );
    expect(reports).toEqual([
      { attempt: 1, durationMs: 0, error: retryable, retryInMs: 0 },
      { attempt: 2, durationMs: 0 },
    ]);
  });

  it('says when the next attempt was due if only the deadline stopped it (retryAt), and not otherwise', async () => {
    const t = fakeTime();
    const err = new ChannelError({ channel: 'pagerduty', status: 429, reason: 'HTTP 429', retryable: true, retryAfterMs: 120_000 });
    expect(await deliverWithRetry(failing(err), { deadlineMs: t.now() + 60_000, now: t.now, sleep: t.sleep })).toMatchObject({ attempts: 1, retryAt: t.now() + 120_000 });
    const spent = await deliverWithRetry(failing(retryable), { deadlineMs: t.now() + 10_000_000, maxAttempts: 2, now: t.now, sleep: t.sleep });
    expect(spent).not.toHaveProperty('retryAt');
    const permanent = new ChannelError({ channel: 'slack', status: 400, reason: 'HTTP 400', retryable: false });
    expect(await deliverWithRetry(failing(permanent), { deadlineMs: t.now() + 60_000, now: t.now, sleep: t.sleep })).not.toHaveProperty('retryAt');
  });

  it('goes on from attemptsMade: numbering, backoff and maxAttempts continue', async () => {
    const t = fakeTime();
    const reports: Array<{ attempt: number; retryInMs?: number }> = [];
    const res = await deliverWithRetry(failing(retryable), {
      deadlineMs: t.now() + 10_000_000, attemptsMade: 3, maxAttempts: 5, now: t.now, sleep: t.sleep, random: () => 1, onAttempt: (r) => reports.push(r),
    });
    expect(res.attempts).toBe(5);
    expect(reports.map((r) => [r.attempt, r.retryInMs])).toEqual([[4, 4_000], [5, undefined]]);
  });

  it('waits until notBeforeMs before its first attempt, or attempts nothing when that is at or past the deadline', async () => {
    const t = fakeTime();
    let calls = 0;
    const send = async () => {
      calls++;
      return 'ok';
    };
    const late = await deliverWithRetry(send, { deadlineMs: t.now() + 5_000, notBeforeMs: t.now() + 5_000, attemptsMade: 2, now: t.now, sleep: t.sleep });
    expect(late).toMatchObject({ ok: false, attempts: 2, retryAt: t.now() + 5_000 });
    expect([calls, t.clock.sleeps]).toEqual([0, []]);
    const res = await deliverWithRetry(send, { deadlineMs: t.now() + 60_000, notBeforeMs: t.now() + 5_000, attemptsMade: 2, now: t.now, sleep: t.sleep });
    expect(res).toMatchObject({ ok: true, attempts: 3 });
    expect([calls, t.clock.sleeps]).toEqual([1, [5_000]]);
  });
});
