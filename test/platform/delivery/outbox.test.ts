import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Channel } from '../../../functions/channels/channel.ts';
import { readDeadLetters, redrive } from '../../../functions/platform/delivery/dead-letter.ts';
import { FileLedger } from '../../../functions/platform/delivery/file-ledger.ts';
import { ChannelError } from '../../../functions/platform/errors.ts';
import { resolvedNotification } from '../../helpers/notifications.ts';
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

const channels = (url: string) => (receiver: string) => captureChannel(receiver, url);
const deliveryLines = () => h.logs.filter((l) => l.msg === 'delivery');

describe('Outbox.drain', () => {
  it('500, 500, 200 → delivered once after 3 attempts; one log line per attempt; file compacted', async () => {
    h.server.script({ status: 500 }, { status: 500 }, { status: 200 });
    const outbox = h.outbox();
    await outbox.enqueue([job('n-1')]);
    const res = await outbox.drain(channels(h.server.url));
    expect(res).toMatchObject({ sent: ['n-1'], deadLettered: [], primaryFailures: [], pending: 0 });
    expect(h.received()).toEqual(['n-1', 'n-1', 'n-1']);
    expect(h.server.requests[0]!.headers['x-pooler-watch-id']).toBe('n-1');
    expect(deliveryLines().map((l) => [l.outcome, l.attempt, l.status])).toEqual([
      ['retry', 1, 500],
      ['retry', 2, 500],
      ['sent', 3, undefined],
    ]);
    expect(deliveryLines()[0]).toMatchObject({ receiver: 'oncall', channel: 'webhook', id: 'n-1', reason: 'HTTP 500', durationMs: expect.any(Number) });
    expect(JSON.stringify(h.logs)).not.toContain('127.0.0.1');
    expect(await readFile(outbox.path, 'utf8')).toBe('');
    expect(await new FileLedger(h.ledgerPath).has('n-1')).toBe(true);
  });

  it('the same id enqueued twice, drained twice → sent once; the repeat is a logged duplicate', async () => {
    const outbox = h.outbox();
    await outbox.enqueue([job('n-1'), job('n-1')]);
    expect((await outbox.drain(channels(h.server.url))).sent).toEqual(['n-1']);
    await outbox.enqueue([job('n-1')]);
    const again = await outbox.drain(channels(h.server.url));
    expect(again).toMatchObject({ sent: [], duplicates: ['n-1'], pending: 0 });
    expect(h.received()).toEqual(['n-1']);
    expect(deliveryLines().at(-1)).toMatchObject({ outcome: 'duplicate', id: 'n-1' });
  });

  it('permanent 401 with a fallback → fallback delivered (saying the primary failed), primary failure reported', async () => {
    h.server.script({ status: 401 });
    const outbox = h.outbox();
    await outbox.enqueue([job('n-1', 'pagerduty', { fallback: 'slack' })]);
    const res = await outbox.drain(channels(h.server.url));
    expect(res.primaryFailures).toEqual([
      { id: 'n-1', receiver: 'pagerduty', attempts: 1, error: { channel: 'webhook', status: 401, reason: 'HTTP 401', retryable: false }, fallbackId: 'n-1:fallback' },
    ]);
    expect(res.sent).toEqual(['n-1:fallback']);
    expect(h.server.requests.map((r) => r.path)).toEqual(['/pagerduty', '/slack']);
    expect((h.server.requests[1]!.json as { title: string }).title).toContain('receiver pagerduty failed (HTTP 401)');
    expect(deliveryLines().map((l) => l.outcome)).toEqual(['failed', 'fallback', 'sent']);
    expect(deliveryLines()[1]).toMatchObject({ receiver: 'pagerduty', status: 401, fallback: 'slack' });
    expect((await readDeadLetters(h.deadLetterPath)).letters).toEqual([]);
  });

  it('fallback failing too → dead letter with everything needed; redrive → delivered', async () => {
    h.server.script({ status: 401 }, { status: 403 });
    const outbox = h.outbox();
    await outbox.enqueue([job('n-1', 'pagerduty', { fallback: 'slack' })]);
    const res = await outbox.drain(channels(h.server.url));
    expect(res.deadLettered).toMatchObject([{ id: 'n-1:fallback', receiver: 'slack', error: { status: 403, retryable: false } }]);
    const { letters, bad } = await readDeadLetters(h.deadLetterPath);
    expect(bad).toEqual([]);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({
      job: { id: 'n-1:fallback', receiver: 'slack', primaryFailure: { receiver: 'pagerduty', reason: 'HTTP 401' }, notification: job('n-1', 'pagerduty').notification },
      error: { channel: 'webhook', status: 403, reason: 'HTTP 403', retryable: false },
      attempts: 1,
      at: '2026-11-24T12:00:00.000Z',
    });
    expect(deliveryLines().at(-1)).toMatchObject({ outcome: 'dead-letter', id: 'n-1:fallback' });

    const moved = await redrive(h.deadLetterPath, (jobs) => outbox.enqueue(jobs));
    expect(moved).toEqual({ redriven: ['n-1:fallback'], remaining: 0, bad: [] });
    expect(await readFile(h.deadLetterPath, 'utf8')).toBe('');
    const again = await outbox.drain(channels(h.server.url));
    expect(again.sent).toEqual(['n-1:fallback']);
    expect(h.server.requests.map((r) => r.path)).toEqual(['/pagerduty', '/slack', '/slack']);
  });

  it('an unknown receiver without fallback is dead-lettered, not dropped', async () => {
    const outbox = h.outbox();
    await outbox.enqueue([job('n-1', 'nobody')]);
    const res = await outbox.drain(() => undefined);
    expect(res.deadLettered).toMatchObject([{ id: 'n-1', error: { channel: 'none', reason: 'unknown receiver' } }]);
    expect((await readDeadLetters(h.deadLetterPath)).letters).toHaveLength(1);
  });

  it('a drain deadline cuts retries short: the job stays pending, not dead-lettered', async () => {
    h.server.fallback = { status: 503 };
    const outbox = h.outbox();
    await outbox.enqueue([job('n-1')]);
    const deadline = h.clock.t + 2_000;
    const res = await outbox.drain(channels(h.server.url), { deadlineMs: deadline });
    expect(res).toMatchObject({ sent: [], deadLettered: [], deferred: ['n-1'], pending: 1 });
    expect(h.clock.t).toBeLessThanOrEqual(deadline);
    h.server.fallback = { status: 200 };
    expect((await outbox.drain(channels(h.server.url))).sent).toEqual(['n-1']);
  });

  it('a retryable failure that exhausts the job budget is dead-lettered with retryable: true', async () => {
    h.server.fallback = { status: 503 };
    const outbox = h.outbox({ retry: { maxAttempts: 3 } });
    await outbox.enqueue([job('n-1')]);
    const res = await outbox.drain(channels(h.server.url));
    expect(res.deadLettered).toMatchObject([{ id: 'n-1', attempts: 3, error: { status: 503, retryable: true } }]);
    expect(h.server.requests).toHaveLength(3);
  });

  it('keeps order within a receiver and threads the resolve under the trigger receipt', async () => {
    const outbox = h.outbox();
    const resolve = resolvedNotification();
    await outbox.enqueue([job('trig'), { id: resolve.id, receiver: 'oncall', notification: resolve, enqueuedAt: '2026-11-24T12:00:00Z' }]);
    await outbox.drain(channels(h.server.url));
    expect(h.received()).toEqual(['trig', resolve.id]);
    expect((h.server.requests[1]!.json as { previous: unknown }).previous).toEqual({ ts: 'ts-trig' });
  });

  it('one broken channel never blocks the others (all-settled fan-out)', async () => {
    const outbox = h.outbox({ retry: { maxAttempts: 1 } });
    await outbox.enqueue([job('stuck-1', 'broken'), job('stuck-2', 'broken'), job('a', 'pager'), job('b', 'chat'), job('c', 'hook')]);
    const broken: Channel = {
      type: 'slack',
      name: 'broken',
      send: async () => {
        // Fails only once the three healthy receivers got theirs: if they were blocked behind it, this gives up.
        const until = Date.now() + 5_000;
        while (h.server.requests.length < 3 && Date.now() < until) await new Promise((r) => setTimeout(r, 10));
        throw new ChannelError({ channel: 'slack', status: 400, reason: 'HTTP 400', retryable: false });
      },
    };
    const res = await outbox.drain((r) => (r === 'broken' ? broken : captureChannel(r, h.server.url)));
    expect(res.sent.sort()).toEqual(['a', 'b', 'c']);
    expect(res.deadLettered.map((f) => f.id)).toEqual(['stuck-1', 'stuck-2']);
  });

  it('storage trouble on one job is reported and leaves it pending; others go on', async () => {
    const outbox = h.outbox({ ledger: new FileLedger(join(h.dir, 'no-such-dir', '\0bad')) });
    await outbox.enqueue([job('n-1')]);
    const res = await outbox.drain(channels(h.server.url));
    expect(res.errors).toHaveLength(1);
    expect(res.pending).toBe(1);
  });

  it('picks up jobs left by a dead run, survives a torn last line and reports bad lines by number', async () => {
    const first = h.outbox();
    await first.enqueue([job('n-1'), job('n-2', 'chat')]);
    await appendFile(first.path, '{"type":"job","job":{"id":"torn"'); // died mid-append
    const second = h.outbox();
    await second.enqueue([job('n-3')]); // must not be glued to the torn line
    await appendFile(first.path, 'not json\n');
    const res = await second.drain(channels(h.server.url));
    expect(res.sent.sort()).toEqual(['n-1', 'n-2', 'n-3']);
    expect(res.badLines).toEqual(['line 3: not valid JSON', 'line 5: not valid JSON']);
    expect(res.pending).toBe(0);
    expect(await readFile(`${first.path}.rejected`, 'utf8')).toContain('"id":"torn"');
  });

  it('a job line missing fields is reported with its path, the good ones still delivered', async () => {
    const outbox = h.outbox();
    await writeFile(outbox.path, `${JSON.stringify({ type: 'job', job: { id: 'x', receiver: 'oncall' } })}\n`);
    await outbox.enqueue([job('n-1')]);
    const res = await outbox.drain(channels(h.server.url));
    expect(res.sent).toEqual(['n-1']);
    expect(res.badLines[0]).toMatch(/^line 1: /);
    expect(res.badLines[0]).toContain('job.notification');
  });

  it('two concurrent drains over the same outbox send each id exactly once', async () => {
    h.server.fallback = { status: 200, delayMs: 15 };
    const ids = Array.from({ length: 12 }, (_, i) => `c-${i}`);
    const seed = h.outbox();
    await seed.enqueue(ids.map((id, i) => job(id, ['pager', 'chat', 'hook'][i % 3]!)));
    const [a, b] = await Promise.all([h.outbox().drain(channels(h.server.url)), h.outbox().drain(channels(h.server.url))]);
    expect(h.received().sort()).toEqual([...ids].sort());
    expect([...a.sent, ...b.sent].sort()).toEqual([...ids].sort());
    expect((await seed.pending()).jobs).toEqual([]);
  });

  it('rejects a malformed job at enqueue', async () => {
    await expect(h.outbox().enqueue([{ ...job('x'), id: '' }])).rejects.toThrow();
  });
});
