import { describe, expect, it } from 'vitest';
import { buildOpsgeniePayload, createOpsgenieChannel, LIMITS, OpsgenieConfig } from '../../functions/channels/opsgenie.ts';
import { chars, classifiesStatuses, expectNoSecret, failure, golden, makeDeps as deps, sendCtx as ctx, useCaptureServer } from '../helpers/channel-contract.ts';
import { alertItem, hugeNotification, notification, resolvedNotification } from '../helpers/notifications.ts';

const API_KEY = 'eb243592-faa2-4ba2-a551-OPSGENIE-S3CRET';
const makeDeps = () => deps({ OG_KEY: API_KEY });

const config = (baseUrl: string | undefined, extra: Record<string, unknown> = {}) =>
  OpsgenieConfig.parse({ type: 'opsgenie', apiKey: { env: 'OG_KEY' }, ...(baseUrl ? { baseUrl } : {}), ...extra });

type Body = Record<string, unknown> & { details: Record<string, string>; tags: string[] };

describe('Opsgenie config', () => {
  it('defaults to the US API and the P1/P3/P5 priority map; rejects unknown keys and inline keys', () => {
    expect(config(undefined)).toMatchObject({ region: 'us', priority: { critical: 'P1', warning: 'P3', info: 'P5' } });
    expect(config(undefined, { priority: { warning: 'P2' } }).priority).toEqual({ critical: 'P1', warning: 'P2', info: 'P5' });
    expect(() => config(undefined, { apiKey: 'inline' })).toThrow();
    expect(() => config(undefined, { priority: { critical: 'P0' } })).toThrow();
    expect(() => config(undefined, { extra: true })).toThrow();
  });

  it('uses api.eu.opsgenie.com for region eu', async () => {
    const deps = makeDeps();
    deps.http.mockResolvedValue({ status: 202, headers: {}, data: {} });
    const ch = await createOpsgenieChannel('og', config(undefined, { region: 'eu' }), deps);
    await ch.send(notification(), ctx());
    expect(String(deps.calls[0]!.url)).toBe('https://api.eu.opsgenie.com/v2/alerts');
  });
});

describe('buildOpsgeniePayload', () => {
  it('matches the golden create request', () => {
    expect(buildOpsgeniePayload(notification())).toEqual(golden('opsgenie'));
  });

  it('matches the golden close request (by the same alias)', () => {
    expect(buildOpsgeniePayload(resolvedNotification())).toEqual(golden('opsgenie', 'resolved'));
    const alias = buildOpsgeniePayload(notification())[0]!.body.alias as string;
    expect(buildOpsgeniePayload(resolvedNotification())[0]!.path).toBe(`/v2/alerts/${alias}/close?identifierType=alias`);
  });

  it('maps severity to priority through the (configurable) map', () => {
    const prio = (severity: 'critical' | 'warning' | 'info', priority?: Record<'critical' | 'warning' | 'info', 'P1' | 'P2' | 'P3' | 'P4' | 'P5'>) =>
      buildOpsgeniePayload(notification({}, [alertItem({ severity })]), priority ? { priority } : {})[0]!.body.priority;
    expect([prio('critical'), prio('warning'), prio('info')]).toEqual(['P1', 'P3', 'P5']);
    expect(prio('warning', { critical: 'P1', warning: 'P2', info: 'P4' })).toBe('P2');
  });

  it('URL-encodes the alias in the close path', () => {
    const [req] = buildOpsgeniePayload(notification({ status: 'resolved' }, [alertItem({ fingerprint: 'a/b c?d', status: 'resolved' })]));
    expect(req!.path).toBe('/v2/alerts/a%2Fb%20c%3Fd/close?identifierType=alias');
  });

  it('marks a test clearly, under its own alias, and closes it right away', () => {
    const reqs = buildOpsgeniePayload(notification({ kind: 'test' }));
    expect(reqs.map((r) => r.path)).toEqual(['/v2/alerts', '/v2/alerts/test%3A3f9a1c2b7d4e5f60/close?identifierType=alias']);
    expect(reqs[0]!.body).toMatchObject({ message: '[TEST] time-to-oom on codex-pooler-app-0', alias: 'test:3f9a1c2b7d4e5f60' });
    expect((reqs[0]!.body as Body).tags).toContain('test');
  });
});

describe('Opsgenie limits', () => {
  const tags = Array.from({ length: 30 }, (_, i) => `team-${i}-${'t'.repeat(80)}`);
  const creates = buildOpsgeniePayload(hugeNotification(), { tags });
  it.each([
    ['message', LIMITS.message.max],
    ['alias', LIMITS.alias.max],
    ['description', LIMITS.description.max],
    ['entity', LIMITS.entity.max],
    ['source', LIMITS.source.max],
  ] as const)('hugeNotification: %s ≤ %i chars', (field, max) => {
    expect(creates).toHaveLength(80);
    for (const { body } of creates) expect(chars(body[field] as string)).toBeLessThanOrEqual(max);
  });

  it('hugeNotification: ≤ 20 tags of ≤ 50 chars, details ≤ 8000 chars in total', () => {
    for (const { body } of creates as unknown as Array<{ body: Body }>) {
      expect(body.tags.length).toBeLessThanOrEqual(LIMITS.tagCount.max);
      for (const t of body.tags) expect(chars(t)).toBeLessThanOrEqual(LIMITS.tag.max);
      const total = Object.entries(body.details).reduce((n, [k, v]) => n + chars(k) + chars(v), 0);
      expect(total).toBeLessThanOrEqual(LIMITS.details.max);
      expect(Object.values(body.details).every((v) => typeof v === 'string')).toBe(true);
      expect(body.details.pod).toMatch(/^codex-pooler-app-\d+$/); // the important keys come first
    }
  });

  it('close note ≤ 25000 chars and alias ≤ 512 even for oversized input', () => {
    const a = alertItem({ fingerprint: 'f'.repeat(700), status: 'resolved', summary: 's'.repeat(40_000) });
    const [close] = buildOpsgeniePayload(notification({ status: 'resolved' }, [a]));
    expect(chars(close!.body.note as string)).toBeLessThanOrEqual(LIMITS.note.max);
    expect(chars(decodeURIComponent(close!.path.split('/')[3]!))).toBeLessThanOrEqual(LIMITS.alias.max);
  });
});

describe('Opsgenie over HTTP', () => {
  const server = useCaptureServer({ status: 202, body: { result: 'Request will be processed', took: 0.1, requestId: 'r-1' } });

  it('creates with GenieKey auth and JSON, one request per alert, and closes by alias on resolve', async () => {
    const ch = await createOpsgenieChannel('og', config(server.url), makeDeps());
    await ch.send(hugeNotification(2), ctx());
    await ch.send(resolvedNotification(), ctx());
    expect(server.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /v2/alerts',
      'POST /v2/alerts',
      'POST /v2/alerts/3f9a1c2b7d4e5f60/close?identifierType=alias',
    ]);
    for (const req of server.requests) {
      expect(req.headers.authorization).toBe(`GenieKey ${API_KEY}`);
      expect(req.headers['content-type']).toMatch(/^application\/json/);
    }
    const [first] = server.requests;
    const body = first!.json as Body;
    expect(body).toMatchObject({ alias: 'fp00000000000000', priority: 'P1', entity: 'codex-pooler-app-0', source: 'pooler-watch' });
    expect(chars(body.message as string)).toBeLessThanOrEqual(130);
    expect(chars(body.description as string)).toBeLessThanOrEqual(15_000);
    expect(server.requests[2]!.json).toEqual({ source: 'pooler-watch', note: expect.stringContaining('Resolved') });
  });

  classifiesStatuses({
    channel: 'opsgenie',
    makeChannel: (url, timeoutMs) => createOpsgenieChannel('og', config(url, { timeoutMs }), makeDeps()),
    respond: () => ({ body: { message: 'x', took: 0, requestId: 'r' } }),
    retryAfterSeconds: 12,
    okStatus: 202,
    expectOk: (receipt) => expect(receipt).toBeUndefined(),
  });

  it('never leaks the API key: not in errors, body or URL — only in the Authorization header', async () => {
    server.script(
      { status: 401, body: { message: `Key ${API_KEY} is invalid`, took: 0, requestId: 'r' } },
      { status: 422, body: { message: `GenieKey ${API_KEY}` } },
      { status: 500, body: API_KEY },
    );
    for (let i = 0; i < 3; i++) {
      const ch = await createOpsgenieChannel('og', config(server.url), makeDeps());
      expectNoSecret(await failure(ch.send(notification(), ctx())), API_KEY);
    }
    for (const req of server.requests) {
      expect(req.body).not.toContain(API_KEY);
      expect(req.path).not.toContain(API_KEY);
      expect(req.headers.authorization).toBe(`GenieKey ${API_KEY}`);
    }
    expect(JSON.stringify(buildOpsgeniePayload(notification()))).not.toContain(API_KEY);
    const ch = await createOpsgenieChannel('og', config(server.closedUrl), makeDeps());
    expectNoSecret(await failure(ch.send(notification(), ctx())), API_KEY);
  });
});
