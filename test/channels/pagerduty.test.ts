import { describe, expect, it } from 'vitest';
import { buildPagerDutyPayload, createPagerDutyChannel, LIMITS, PagerDutyConfig } from '../../functions/channels/pagerduty.ts';
import { bytes, chars, classifiesStatuses, expectNoSecret, failure, golden, makeDeps as deps, sendCtx as ctx, useCaptureServer } from '../helpers/channel-contract.ts';
import { alertItem, hugeNotification, notification, resolvedNotification } from '../helpers/notifications.ts';

const ROUTING_KEY = 'R0UTE5ECRETa1b2c3d4e5f6a7b8c9d0e'; // 32 chars, like a real integration key
const makeDeps = () => deps({ PD_KEY: ROUTING_KEY });

const config = (baseUrl: string, extra: Partial<PagerDutyConfig> = {}) =>
  PagerDutyConfig.parse({ type: 'pagerduty', routingKey: { env: 'PD_KEY' }, baseUrl, ...extra });

describe('PagerDuty config', () => {
  it('defaults to the US endpoint, offers the EU one, and rejects unknown keys', () => {
    expect(PagerDutyConfig.parse({ type: 'pagerduty', routingKey: { env: 'K' } })).toMatchObject({ region: 'us', client: 'pooler-watch' });
    expect(() => PagerDutyConfig.parse({ type: 'pagerduty', routingKey: { env: 'K' }, routing_key: 'x' })).toThrow();
    expect(() => PagerDutyConfig.parse({ type: 'pagerduty', routingKey: 'plain-text-key' })).toThrow();
  });

  it('posts to events.eu.pagerduty.com for region eu', async () => {
    const deps = makeDeps();
    deps.http.mockResolvedValue({ status: 202, headers: {}, data: {} });
    const ch = await createPagerDutyChannel('pd', PagerDutyConfig.parse({ type: 'pagerduty', routingKey: { env: 'PD_KEY' }, region: 'eu' }), deps);
    await ch.send(notification(), ctx());
    expect(String(deps.calls[0]!.url)).toBe('https://events.eu.pagerduty.com/v2/enqueue');
  });
});

describe('buildPagerDutyPayload', () => {
  it('matches the golden trigger event', () => {
    expect(buildPagerDutyPayload(notification())).toEqual(golden('pagerduty'));
  });

  it('matches the golden resolve event (same dedup_key as the trigger)', () => {
    const resolve = buildPagerDutyPayload(resolvedNotification());
    expect(resolve).toEqual(golden('pagerduty', 'resolved'));
    expect(resolve[0]!.dedup_key).toBe(buildPagerDutyPayload(notification())[0]!.dedup_key);
  });

  it('maps severities one to one and never uses error', () => {
    for (const severity of ['critical', 'warning', 'info'] as const) {
      expect(buildPagerDutyPayload(notification({}, [alertItem({ severity })]))[0]!.payload!.severity).toBe(severity);
    }
  });

  it('sends one event per alert; a mixed group triggers the firing and resolves the resolved', () => {
    const events = buildPagerDutyPayload(
      notification({}, [alertItem({ fingerprint: 'a' }), alertItem({ fingerprint: 'b', status: 'resolved' })]),
    );
    expect(events.map((e) => [e.dedup_key, e.event_action])).toEqual([['a', 'trigger'], ['b', 'resolve']]);
  });

  it('marks a test clearly, keeps it off real dedup keys, and resolves it right away', () => {
    const events = buildPagerDutyPayload(notification({ kind: 'test' }));
    expect(events.map((e) => e.event_action)).toEqual(['trigger', 'resolve']);
    expect(events[0]!.payload!.summary.startsWith('[TEST] ')).toBe(true);
    expect(events[0]!.dedup_key).toBe('test:3f9a1c2b7d4e5f60');
    expect(events[1]!.dedup_key).toBe(events[0]!.dedup_key);
  });
});

describe('PagerDuty limits', () => {
  it('hugeNotification: summary ≤ 1024 chars, dedup_key ≤ 255, each event ≤ 512 KB', () => {
    const events = buildPagerDutyPayload(hugeNotification(), { routingKey: ROUTING_KEY });
    expect(events).toHaveLength(80);
    for (const e of events) {
      expect(chars(e.payload!.summary)).toBeLessThanOrEqual(LIMITS.summary.max);
      expect(chars(e.dedup_key)).toBeLessThanOrEqual(LIMITS.dedupKey.max);
      expect(bytes(e)).toBeLessThanOrEqual(LIMITS.event.max);
    }
  });

  it('shrinks custom_details (evidence first) until the event fits 512 KB', () => {
    const evidence = Array.from({ length: 40 }, (_, i) => ({ name: `k${i}`, value: 'v'.repeat(20_000) }));
    const [event] = buildPagerDutyPayload(notification({}, [alertItem({ evidence, hint: 'h'.repeat(600_000) })]), { routingKey: ROUTING_KEY });
    expect(bytes(event)).toBeLessThanOrEqual(LIMITS.event.max);
    expect(event!.payload!.summary).toContain('time-to-oom on codex-pooler-app-0');
    expect(event!.payload!.custom_details.evidence).toBeUndefined();
  });

  it('keeps a long fingerprint ≤ 255 and identical between trigger and resolve', () => {
    const fp = 'f'.repeat(400);
    const trigger = buildPagerDutyPayload(notification({}, [alertItem({ fingerprint: fp })]))[0]!;
    const resolve = buildPagerDutyPayload(notification({ status: 'resolved' }, [alertItem({ fingerprint: fp, status: 'resolved' })]))[0]!;
    expect(chars(trigger.dedup_key)).toBeLessThanOrEqual(255);
    expect(resolve.dedup_key).toBe(trigger.dedup_key);
  });
});

describe('PagerDuty over HTTP', () => {
  const server = useCaptureServer({ status: 202, body: { status: 'success', message: 'Event processed', dedup_key: 'x' } });

  it('sends the documented request: POST /v2/enqueue, JSON, routing_key in the body, sequential events', async () => {
    const deps = makeDeps();
    const ch = await createPagerDutyChannel('pd', config(server.url, { clientUrl: 'https://watch.example.com/' }), deps);
    await ch.send(hugeNotification(3), ctx());
    expect(server.requests).toHaveLength(3);
    for (const req of server.requests) {
      expect(req.method).toBe('POST');
      expect(req.path).toBe('/v2/enqueue');
      expect(req.headers['content-type']).toMatch(/^application\/json/);
      expect(Buffer.byteLength(req.body)).toBeLessThanOrEqual(LIMITS.event.max);
      const body = req.json as { payload: { summary: string } & Record<string, unknown> } & Record<string, unknown>;
      expect(body).toMatchObject({ routing_key: ROUTING_KEY, event_action: 'trigger', client: 'pooler-watch', client_url: 'https://watch.example.com/' });
      expect(Object.keys(body.payload)).toEqual(expect.arrayContaining(['summary', 'source', 'severity']));
      expect(chars(body.payload.summary)).toBeLessThanOrEqual(1024);
    }
    expect(server.requests.map((r) => (r.json as { dedup_key: string }).dedup_key)).toEqual(['fp00000000000000', 'fp00000000000001', 'fp00000000000002']);
  });

  it('stops at the first failed event and throws (the delivery layer retries the whole notification)', async () => {
    server.script({ status: 202 }, { status: 500 });
    const ch = await createPagerDutyChannel('pd', config(server.url), makeDeps());
    await expect(ch.send(hugeNotification(3), ctx())).rejects.toMatchObject({ retryable: true, status: 500 });
    expect(server.requests).toHaveLength(2);
  });

  classifiesStatuses({
    channel: 'pagerduty',
    makeChannel: (url, timeoutMs) => createPagerDutyChannel('pd', config(url, { timeoutMs }), makeDeps()),
    respond: () => ({ body: { status: 'x' } }),
    okStatus: 202,
    expectOk: (receipt) => expect(receipt).toBeUndefined(),
  });

  it('never leaks the routing key into errors; only the body PagerDuty requires carries it', async () => {
    const failures = [
      { status: 400, body: { status: 'invalid event', errors: [`bad routing_key ${ROUTING_KEY}`] } },
      { status: 429, headers: { 'retry-after': '1' }, body: ROUTING_KEY },
      { status: 503, body: `upstream ${ROUTING_KEY}` },
    ];
    for (const f of failures) {
      server.script(f);
      const ch = await createPagerDutyChannel('pd', config(server.url), makeDeps());
      expectNoSecret(await failure(ch.send(notification(), ctx())), ROUTING_KEY);
    }
    for (const req of server.requests) {
      expect((req.json as { routing_key: string }).routing_key).toBe(ROUTING_KEY);
      expect(req.path).not.toContain(ROUTING_KEY);
      expect(JSON.stringify(req.headers)).not.toContain(ROUTING_KEY);
    }
    expect(JSON.stringify(buildPagerDutyPayload(notification()))).not.toContain(ROUTING_KEY);
    const ch = await createPagerDutyChannel('pd', config(server.closedUrl), makeDeps());
    expectNoSecret(await failure(ch.send(notification(), ctx())), ROUTING_KEY);
  });
});
