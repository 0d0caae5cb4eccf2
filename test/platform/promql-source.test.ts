import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { defaultPromqlQueries } from '../../functions/config/promql-source.ts';
import { Target } from '../../functions/config/schema.ts';
import { parseExposition } from '../../functions/core/exposition/index.ts';
import { podsOf } from '../../functions/core/watcher.ts';
import { queryRequest } from '../../functions/platform/promql-source.ts';
import { scrapeTarget } from '../../functions/platform/scrape.ts';
import type { ScrapeFailed, ScrapeOk } from '../../functions/platform/scrape.ts';
import { Secret } from '../../functions/platform/secrets.ts';
import { serverPerTest, closedPort } from './http-servers.ts';
import type { TestServer } from './http-servers.ts';

const TOKEN = 'pw-promql-token-7Hq2Lx9Vb4';
const PASSWORD = 'pw-promql-pass-3Kd8Zr1Nw6';
const BODY_MARK = 'BODYMARK-2981';
const JSON_CT = 'application/json';

const serve = serverPerTest();
function target(url: string, extra: Record<string, unknown> = {}): Target {
  return Target.parse({ name: 'prom', kind: 'promql', url, timeout: 1_000, connectTimeout: 300, ...extra });
}
function failed(r: ScrapeOk | ScrapeFailed): ScrapeFailed {
  if (r.ok) throw new Error('expected a failure');
  return r;
}
const queryOf = (s: TestServer, i = 0) => new URL(s.requests[i]!.url, s.url).searchParams;

/** A tiny Prometheus: answers each selector's metric name with two pods' series. */
function fakePrometheus(req: IncomingMessage, res: ServerResponse): void {
  const q = new URL(req.url ?? '/', 'http://x').searchParams.get('query') ?? '';
  const name = /^[a-z_]+/.exec(q)?.[0] ?? 'unnamed';
  const result = ['codex-pooler-app-0', 'codex-pooler-app-1'].map((pod, i) => ({
    metric: { __name__: name, namespace: 'codex-pooler', pod, container: 'app', image: 'img', instance: '10.0.0.1:10250' },
    value: [1_700_000_000, String(1000 + i)],
  }));
  res.writeHead(200, { 'content-type': JSON_CT }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
}

describe('PromQL source: queries and snapshot', () => {
  it('runs every default query as GET /api/v1/query at the round time; the snapshot is federate-shaped', async () => {
    const s = await serve(fakePrometheus);
    const r = await scrapeTarget(target(`${s.url}/`), { now: () => 1_764_000_000_123 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const queries = defaultPromqlQueries();
    expect(s.requests.map((q) => new URL(q.url, s.url).pathname)).toEqual(queries.map(() => '/api/v1/query'));
    expect(s.requests.map((_, i) => queryOf(s, i).get('query')).sort()).toEqual([...queries].sort());
    expect(queryOf(s).get('time')).toBe('1764000000.123');
    expect(s.requests[0]!.headers.accept).toBe('application/json');
    expect(s.requests[0]!.headers.authorization).toBeUndefined();
    expect(r.snapshot).toMatchObject({ ts: 1_764_000_000_123, target: 'prom', kind: 'federate' });
    expect(podsOf(r.snapshot).sort()).toEqual(['codex-pooler-app-0', 'codex-pooler-app-1']);
    const rss = r.snapshot.families.find((f) => f.name === 'container_memory_rss')!;
    expect(rss.type).toBe('untyped');
    expect(rss.samples.map((x) => [x.labels.pod, x.value])).toEqual([
      ['codex-pooler-app-0', 1000],
      ['codex-pooler-app-1', 1001],
    ]);
    // The recording text parses back to the same families, so `record`/`replay` work for this kind.
    expect(parseExposition(r.text, 'text')).toEqual(r.snapshot.families);
  });

  it('the default queries are the runbook selectors; appSeries adds one for the app series', () => {
    const q = defaultPromqlQueries();
    expect(q).toContain('container_memory_working_set_bytes{namespace="codex-pooler", container="app", image!=""}');
    expect(q).toContain(
      'kube_pod_container_status_restarts_total{namespace="codex-pooler", exported_container="app"} or kube_pod_container_status_restarts_total{namespace="codex-pooler", container="app"}',
    );
    expect(q).toHaveLength(9);
    const withApp = defaultPromqlQueries(undefined, undefined, { app: true });
    expect(withApp).toHaveLength(10);
    expect(withApp[9]).toMatch(/^\{__name__=~"vm_memory_total_bytes\|.*codex_pooler_http_request_duration_seconds_bucket.*", namespace="codex-pooler", job="codex-pooler-app"\}$/);
  });

  it('a base with a path prefix and its own query parameters; a base already ending in /api/v1/query', () => {
    const a = queryRequest('https://mimir.example/prometheus?tenant=t1', 'up', 1_000);
    expect(a.url.pathname).toBe('/prometheus/api/v1/query');
    expect(a.pairs).toEqual([
      ['tenant', 't1'],
      ['query', 'up'],
      ['time', '1.000'],
    ]);
    expect(queryRequest('https://aps-workspaces.us-east-1.amazonaws.com/workspaces/ws-1/', 'up', 0).url.pathname).toBe('/workspaces/ws-1/api/v1/query');
    expect(queryRequest('http://p:9090/api/v1/query', 'up', 0).url.pathname).toBe('/api/v1/query');
  });

  it('configured queries with any characters reach the server intact', async () => {
    const s = await serve(fakePrometheus);
    const query = 'container_memory_rss{namespace="codex-pooler", pod=~"a|b+", x!="!*\'()"}';
    const r = await scrapeTarget(target(s.url, { queries: [query] }), {});
    expect(r.ok).toBe(true);
    expect(queryOf(s).get('query')).toBe(query);
  });
});

describe('PromQL source: credentials', () => {
  it('bearer: the token as Authorization: Bearer', async () => {
    const s = await serve(fakePrometheus);
    await scrapeTarget(target(s.url, { token: { env: 'X' } }), { token: new Secret(TOKEN) });
    expect(s.requests.every((q) => q.headers.authorization === `Bearer ${TOKEN}`)).toBe(true);
  });

  it('basic: the username with the token as password', async () => {
    const s = await serve(fakePrometheus);
    await scrapeTarget(target(s.url, { auth: { type: 'basic', username: 'grafana' }, token: { env: 'X' } }), { token: new Secret(PASSWORD) });
    const expected = `Basic ${Buffer.from(`grafana:${PASSWORD}`).toString('base64')}`;
    expect(s.requests.every((q) => q.headers.authorization === expected)).toBe(true);
  });

  it.each([
    ['bearer', {}, TOKEN, /401 token rejected/, /bearer token/],
    ['basic', { auth: { type: 'basic', username: 'grafana' } }, PASSWORD, /401 basic-auth credentials rejected/, /basic-auth username/],
  ])('%s rejected: unauthorized, and the secret is in no finding text', async (_name, extra, secret, detail, hint) => {
    const s = await serve((req, res) => res.writeHead(401, { 'content-type': 'text/plain', 'www-authenticate': 'Basic' }).end(`denied ${req.headers.authorization} ${BODY_MARK}`));
    const r = failed(await scrapeTarget(target(s.url, { token: { env: 'X' }, ...extra }), { token: new Secret(secret) }));
    expect([r.reason, r.status, r.finding.severity, r.finding.rule]).toEqual(['unauthorized', 401, 'critical', 'scrape-failed']);
    expect(r.finding.summary).toMatch(detail);
    expect(r.finding.hint).toMatch(hint);
    const text = JSON.stringify(r);
    for (const leak of [secret, Buffer.from(`grafana:${secret}`).toString('base64'), BODY_MARK]) expect(text).not.toContain(leak);
  });

  it('none configured but required: says so', async () => {
    const s = await serve((_req, res) => res.writeHead(403).end());
    const r = failed(await scrapeTarget(target(s.url), {}));
    expect(r.finding.summary).toMatch(/requires credentials but none are configured/);
  });
});

describe('PromQL source: failures are findings, never bodies', () => {
  it('status error: query-error with the errorType, the query, not the error text', async () => {
    const s = await serve((_req, res) =>
      res.writeHead(400, { 'content-type': JSON_CT }).end(JSON.stringify({ status: 'error', errorType: 'bad_data', error: `1:5: parse error ${BODY_MARK}` })),
    );
    const r = failed(await scrapeTarget(target(s.url, { queries: ['up{'] }), {}));
    expect([r.reason, r.status, r.finding.severity]).toEqual(['query-error', 400, 'warning']);
    expect(r.finding.summary).toMatch(/query 1: HTTP 400, Prometheus answered status error \(bad_data\)/);
    expect(r.finding.evidence).toMatchObject({ errorType: 'bad_data', query: 'up{' });
    expect(JSON.stringify(r)).not.toContain(BODY_MARK);
  });

  it('one failing query fails the whole snapshot and says how many failed', async () => {
    const s = await serve((req, res) => {
      if (new URL(req.url!, 'http://x').searchParams.get('query') === 'bad') return res.writeHead(422, { 'content-type': JSON_CT }).end('{"status":"error","errorType":"execution","error":"x"}');
      fakePrometheus(req, res);
    });
    const r = failed(await scrapeTarget(target(s.url, { queries: ['container_memory_rss', 'bad', 'bad'] }), {}));
    expect(r.finding.summary).toMatch(/query 2: HTTP 422.*\(execution\) \(2 of 3 queries failed\)/);
    // The failure's own status, whichever query happened to answer last (the healthy one answers 200).
    expect(r.status).toBe(422);
  });

  it('a 503 that is not JSON: http-error; an HTML login page: not a Prometheus API', async () => {
    const s = await serve((req, res) => {
      if (req.url!.includes('first')) return res.writeHead(503, { 'content-type': 'text/plain' }).end(BODY_MARK);
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<html>${BODY_MARK}</html>`);
    });
    const a = failed(await scrapeTarget(target(s.url, { queries: ['first'] }), {}));
    expect([a.reason, a.finding.summary]).toEqual(['http-error', 'scrape of prom failed: query 1: HTTP 503']);
    const b = failed(await scrapeTarget(target(s.url, { queries: ['second'] }), {}));
    expect(b.reason).toBe('not-exposition');
    expect(b.finding.summary).toMatch(/text\/html is not a Prometheus API response/);
    expect(b.finding.hint).toMatch(/Prometheus HTTP API/);
    expect(JSON.stringify([a, b])).not.toContain(BODY_MARK);
  });

  it('a 200 with a body that is not the API envelope: parse-error', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'content-type': JSON_CT }).end(`{"hello":"${BODY_MARK}"}`));
    const r = failed(await scrapeTarget(target(s.url, { queries: ['x'] }), {}));
    expect(r.reason).toBe('parse-error');
    expect(JSON.stringify(r)).not.toContain(BODY_MARK);
  });

  it('the byte cap covers all queries together and aborts the downloads', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': JSON_CT });
      res.write('{"status":"success","data":{"resultType":"vector","result":[');
      res.write(`${'{"metric":{"__name__":"x"},"value":[1,"1"]},'.repeat(200)}`);
      // never ends: only the cap can stop it
    });
    const r = failed(await scrapeTarget(target(s.url, { queries: ['a', 'b', 'c'], maxBytes: 20_000, timeout: 2_000 }), {}));
    expect(r.reason).toBe('too-large');
    expect(r.finding.summary).toMatch(/maxBytes 20000/);
  });

  it('a stalled server: timeout; nothing listening: down', async () => {
    const s = await serve(() => undefined);
    const a = failed(await scrapeTarget(target(s.url, { queries: ['x'], timeout: 200 }), {}));
    expect([a.reason, a.finding.summary]).toEqual(['timeout', 'scrape of prom failed: no complete response within timeout 200 ms']);
    const b = failed(await scrapeTarget(target(`http://127.0.0.1:${await closedPort()}`, { queries: ['x'] }), {}));
    expect([b.reason, b.finding.summary]).toEqual(['down', 'scrape of prom failed: connection refused']);
    for (const r of [a, b]) expect(r.finding.hint).toMatch(/Prometheus API is reachable from pooler-watch/);
  });

  it('a redirect is not followed by default', async () => {
    const s = await serve((_req, res) => res.writeHead(302, { location: 'https://elsewhere.example/login?token=abc' }).end());
    const r = failed(await scrapeTarget(target(s.url, { queries: ['x'], token: { env: 'X' } }), { token: new Secret(TOKEN) }));
    expect(r.reason).toBe('redirect');
    expect(JSON.stringify(r)).not.toContain('token=abc');
  });
});
