import { describe, expect, it } from 'vitest';
import { HttpCheck } from '../../functions/config/checks.ts';
import { httpCheckFindings } from '../../functions/core/probes/http-check-findings.ts';
import { evaluateHttpCheck } from '../../functions/core/probes/http-check-verdict.ts';
import { performHttpCheck, type ResolvedHeader } from '../../functions/platform/http-check.ts';
import { serverPerTest, closedPort } from './http-servers.ts';

const serve = serverPerTest();

function check(url: string, extra: Record<string, unknown> = {}): HttpCheck {
  return HttpCheck.parse({ name: 'api', url, timeout: 2000, ...extra });
}

async function run(c: HttpCheck, headers: Record<string, ResolvedHeader> = {}) {
  const obs = await performHttpCheck({ check: c, headers });
  const verdict = evaluateHttpCheck(c, obs, Date.now());
  return { obs, verdict, findings: httpCheckFindings(c, verdict, obs) };
}

const json = (body: unknown) => (_req: unknown, res: import('node:http').ServerResponse) =>
  res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));

describe('performHttpCheck over plain HTTP', () => {
  it('200 within bounds: ok, no findings, method and headers sent', async () => {
    const s = await serve(json({ status: 'ok' }));
    const { obs, verdict, findings } = await run(check(`${s.url}/healthz?x=1`, { headers: { 'X-Probe': 'yes' } }), { 'X-Probe': { value: 'yes', secret: false } });
    expect(obs).toMatchObject({ status: 200, bodyBytes: 15, bodyTruncated: false, redirects: 0 });
    expect(obs.tls).toBeUndefined();
    expect(verdict.status).toBe('ok');
    expect(findings).toEqual([]);
    expect(s.requests[0]).toMatchObject({ url: '/healthz?x=1' });
    expect(s.requests[0]!.headers['x-probe']).toBe('yes');
    expect(s.requests[0]!.headers['user-agent']).toBe('pooler-watch');
  });

  it('status outside expectStatus: failed with the configured severity; an expected 503 passes', async () => {
    const s = await serve((_req, res) => res.writeHead(503).end('down'));
    const failed = await run(check(`${s.url}/q?token=abc`, { severity: 'warning' }));
    expect(failed.verdict.status).toBe('failed');
    expect(failed.findings).toHaveLength(1);
    const f = failed.findings[0]!;
    expect([f.rule, f.severity, f.pod, f.target]).toEqual(['http-check-failed', 'warning', 'api', 'api']);
    expect(f.summary).toBe('check api failed: HTTP 503, expected 2xx');
    expect(f.evidence).toMatchObject({ status: 503, reason: 'status', url: `${s.url}/q`, method: 'GET' });
    expect(JSON.stringify(f)).not.toContain('token=abc');
    expect(JSON.stringify(f)).not.toContain('down');
    expect((await run(check(s.url, { expectStatus: [503, '2xx'] }))).verdict.status).toBe('ok');
  });

  it('slower than maxLatency: degraded (distinct rule, warning), not failed', async () => {
    const s = await serve((_req, res) => void setTimeout(() => res.writeHead(200).end('ok'), 120));
    const { obs, verdict, findings } = await run(check(s.url, { maxLatency: '40ms', severity: 'critical' }));
    expect(obs.latencyMs).toBeGreaterThanOrEqual(100);
    expect(verdict.status).toBe('degraded');
    expect(findings.map((f) => [f.rule, f.severity])).toEqual([['http-check-degraded', 'warning']]);
    expect(findings[0]!.summary).toMatch(/^check api degraded: latency \d+ ms over maxLatency 40 ms$/);
    expect(findings[0]!.evidence).toMatchObject({ maxLatencyMs: 40, verdict: 'degraded' });
  });

  it('body assertions: each kind passes and fails, and the body never reaches a finding', async () => {
    const body = { status: 'ok', db: { up: true, lagSeconds: 2 }, items: [{ id: 'a1' }], secretish: 'sk-live-body-value' };
    const s = await serve(json(body));
    const pass = await run(
      check(s.url, {
        expectBody: [
          { type: 'contains', value: '"status":"ok"' },
          { type: 'regex', pattern: '"lagSeconds":\\d+' },
          { type: 'jsonPath', path: '$.db.up', equals: true },
          { type: 'jsonPath', path: 'items[0].id', equals: 'a1' },
          { type: 'jsonPath', path: '$.db.lagSeconds', exists: true },
          { type: 'jsonPath', path: '$.error', exists: false },
        ],
      }),
    );
    expect(pass.verdict).toMatchObject({ status: 'ok', failures: [] });

    const fail = await run(
      check(s.url, {
        expectBody: [
          { type: 'contains', value: 'healthy' },
          { type: 'regex', pattern: '^DOWN', flags: 'i' },
          { type: 'jsonPath', path: '$.status', equals: 'green' },
          { type: 'jsonPath', path: '$.db.missing', exists: true },
          { type: 'jsonPath', path: '$.secretish', exists: false },
        ],
      }),
    );
    expect(fail.verdict.status).toBe('failed');
    expect(fail.verdict.failures.map((r) => r.text)).toEqual([
      'expectBody[0] contains: text not found',
      'expectBody[1] regex: no match',
      'expectBody[2] jsonPath $.status: not equal to "green" (got a string)',
      'expectBody[3] jsonPath $.db.missing: missing',
      'expectBody[4] jsonPath $.secretish: present but expected absent',
    ]);
    const text = JSON.stringify(fail.findings);
    expect(text).not.toContain('sk-live-body-value');
    expect(text).not.toContain('"ok"');
    expect(fail.findings[0]!.evidence.reason).toBe('body');
  });

  it('a jsonPath assertion on a non-JSON body fails as "not JSON"', async () => {
    const s = await serve((_req, res) => res.writeHead(200).end('<html>login</html>'));
    const { verdict } = await run(check(s.url, { expectBody: [{ type: 'jsonPath', path: '$.status', exists: true }] }));
    expect(verdict.failures.map((r) => r.text)).toEqual(['expectBody[0] jsonPath $.status: the body is not JSON']);
  });

  it('oversized body: only maxBodyBytes are read, flagged truncated, no crash', async () => {
    const big = 'x'.repeat(3 * 1024 * 1024) + 'TAIL';
    const s = await serve((_req, res) => res.writeHead(200).end(big));
    const { obs, verdict } = await run(check(s.url, { maxBodyBytes: 1024, expectBody: [{ type: 'contains', value: 'TAIL' }] }));
    expect(obs).toMatchObject({ status: 200, bodyBytes: 1024, bodyTruncated: true });
    expect(obs.body).toHaveLength(1024);
    expect(verdict.failures.map((r) => r.text)).toEqual(['expectBody[0] contains: text not found (body truncated at maxBodyBytes)']);
  });

  it('redirects are not followed by default: the 302 is the status (fails 2xx, passes when expected)', async () => {
    const s = await serve((req, res) => (req.url === '/old' ? res.writeHead(302, { location: '/new' }).end() : res.writeHead(200).end('new')));
    const notFollowed = await run(check(`${s.url}/old`));
    expect(notFollowed.obs).toMatchObject({ status: 302, redirects: 0 });
    expect(notFollowed.verdict.failures[0]?.text).toBe('HTTP 302, expected 2xx');
    expect((await run(check(`${s.url}/old`, { expectStatus: [302] }))).verdict.status).toBe('ok');
    expect(s.requests.map((r) => r.url)).toEqual(['/old', '/old']);
  });

  it('followRedirects: follows to the final answer; a loop stops at maxRedirects and fails', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/a') res.writeHead(301, { location: '/b' }).end();
      else if (req.url === '/b') res.writeHead(302, { location: '/c' }).end();
      else if (req.url?.startsWith('/loop')) res.writeHead(302, { location: '/loop' }).end();
      else res.writeHead(200).end('final');
    });
    const followed = await run(check(`${s.url}/a`, { followRedirects: true, expectBody: [{ type: 'contains', value: 'final' }] }));
    expect(followed.obs).toMatchObject({ status: 200, redirects: 2 });
    expect(followed.verdict.status).toBe('ok');

    const loop = await run(check(`${s.url}/loop`, { followRedirects: true, maxRedirects: 3 }));
    expect(loop.obs.error?.kind).toBe('too-many-redirects');
    expect(loop.findings[0]!.summary).toBe('check api failed: more redirects than maxRedirects');
  });

  it('303 after a POST is followed with GET; a cross-origin redirect drops secret and credential headers', async () => {
    const other = await serve((_req, res) => res.writeHead(200).end('elsewhere'));
    const s = await serve((req, res) => {
      if (req.url === '/submit') res.writeHead(303, { location: '/done' }).end();
      else if (req.url === '/away') res.writeHead(302, { location: `${other.url}/landing` }).end();
      else res.writeHead(200).end('done');
    });
    const headers = { 'X-Api-Key': { value: 'k-secret-123', secret: true }, Authorization: { value: 'Basic plain', secret: false }, 'X-Trace': { value: 't1', secret: false } };
    await run(check(`${s.url}/submit`, { method: 'POST', followRedirects: true }), headers);
    expect(s.requests.map((r) => r.url)).toEqual(['/submit', '/done']);

    const away = await run(check(`${s.url}/away`, { followRedirects: true }), headers);
    expect(away.obs.status).toBe(200);
    expect(s.requests.at(-1)!.headers['x-api-key']).toBe('k-secret-123');
    const landed = other.requests[0]!.headers;
    expect(landed['x-api-key']).toBeUndefined();
    expect(landed.authorization).toBeUndefined();
    expect(landed['x-trace']).toBe('t1');
  });

  it('timeout: a server that never answers fails as timeout within the bound', async () => {
    const s = await serve(() => undefined);
    const started = performance.now();
    const { obs, findings } = await run(check(s.url, { timeout: '200ms' }));
    expect(performance.now() - started).toBeLessThan(1500);
    expect(obs.error).toEqual({ kind: 'timeout' });
    expect(findings[0]!.summary).toBe('check api failed: no complete response within the timeout 200 ms');
    expect(findings[0]!.hint).toMatch(/run queue/);
  });

  it('timeout mid-body is a timeout too', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200);
      res.write('partial');
    });
    const { obs } = await run(check(s.url, { timeout: '200ms' }));
    expect(obs.error?.kind).toBe('timeout');
  });

  it('connection refused is a result, not a throw', async () => {
    const port = await closedPort();
    const refused = await run(check(`http://127.0.0.1:${port}/`));
    expect(refused.obs.error).toEqual({ kind: 'connection-refused', code: 'ECONNREFUSED' });
    expect(refused.verdict.status).toBe('failed');
    expect(refused.findings[0]!.summary).toBe('check api failed: connection refused');
    expect(refused.findings[0]!.hint).toMatch(/Ready/);
  });

  it('a server closing the connection mid-response: connection-reset', async () => {
    const s = await serve((req) => req.socket.destroy());
    const { obs } = await run(check(s.url));
    expect(obs.error?.kind).toBe('connection-reset');
  });

  it('HEAD reads no body', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'content-length': '5' }).end());
    const { obs, verdict } = await run(check(s.url, { method: 'HEAD' }));
    expect(obs).toMatchObject({ status: 200, bodyBytes: 0 });
    expect(verdict.status).toBe('ok');
  });
});
