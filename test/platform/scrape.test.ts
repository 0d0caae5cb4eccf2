import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { Target } from '../../functions/config/schema.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import { requestUrl, scrapeTarget } from '../../functions/platform/scrape.ts';
import type { ScrapeFailed, ScrapeOk } from '../../functions/platform/scrape.ts';
import { Secret } from '../../functions/platform/secrets.ts';
import { serverPerTest, closedPort } from './http-servers.ts';

const TOKEN = 'pw-test-token-9c1e4b7f';
const token = new Secret(TOKEN);
const TEXT_CT = 'text/plain; version=0.0.4; charset=utf-8';
const OM_CT = 'application/openmetrics-text; version=1.0.0; charset=utf-8';
const BODY = '# HELP vm_memory_total_bytes Total BEAM memory.\n# TYPE vm_memory_total_bytes gauge\nvm_memory_total_bytes 123456\n';

const serve = serverPerTest();
function target(url: string, extra: Record<string, unknown> = {}): Target {
  return Target.parse({ name: 'pool-0', url, timeout: 500, connectTimeout: 300, ...extra });
}
function failed(r: ScrapeOk | ScrapeFailed): ScrapeFailed {
  if (r.ok) throw new Error('expected a failed scrape');
  return r;
}

describe('scrapeTarget: success', () => {
  it('200 text: parses, sends Accept, gzip and the bearer token, stamps the injected time', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'content-type': TEXT_CT }).end(BODY));
    const r = await scrapeTarget(target(`${s.url}/metrics`), { token, now: () => 1_000 });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r).toMatchObject({ status: 200, format: 'text', bytes: Buffer.byteLength(BODY), text: BODY });
    expect(r.snapshot).toMatchObject({ ts: 1_000, target: 'pool-0', kind: 'metrics' });
    expect(r.snapshot.families.map((f) => [f.name, f.type, f.samples[0]?.value])).toEqual([['vm_memory_total_bytes', 'gauge', 123456]]);
    const seen = s.requests[0]!.headers;
    expect(seen.authorization).toBe(`Bearer ${TOKEN}`);
    expect(seen.accept).toMatch(/openmetrics-text/);
    expect(seen['accept-encoding']).toBe('gzip');
  });

  it('200 openmetrics', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'content-type': OM_CT }).end(`${BODY}# EOF\n`));
    const r = await scrapeTarget(target(s.url), {});
    expect(r.ok && r.format).toBe('openmetrics');
    expect(r.ok && r.snapshot.families[0]?.name).toBe('vm_memory_total_bytes');
  });

  it('gzip: decompressed transparently, bytes counts the decompressed body', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'content-type': TEXT_CT, 'content-encoding': 'gzip' }).end(gzipSync(BODY)));
    const r = await scrapeTarget(target(s.url), {});
    expect(r.ok && [r.bytes, r.snapshot.families.length]).toEqual([Buffer.byteLength(BODY), 1]);
  });

  it('federate: appends every match[] selector, keeping the existing query', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'content-type': TEXT_CT }).end(BODY));
    const match = ['{namespace="codex-pooler"}', 'up{job="codex-pooler-app"}'];
    const r = await scrapeTarget(target(`${s.url}/federate?x=1`, { kind: 'federate', match }), {});
    expect(r.ok && r.snapshot.kind).toBe('federate');
    const sent = new URL(s.requests[0]!.url, s.url);
    expect(sent.pathname).toBe('/federate');
    expect(sent.searchParams.getAll('match[]')).toEqual(match);
    expect(sent.searchParams.get('x')).toBe('1');
    expect(requestUrl(target(s.url))).toBe(s.url);
  });

  it('the connect timeout covers connecting only, not a slow response', async () => {
    const s = await serve((_req, res) => setTimeout(() => res.writeHead(200, { 'content-type': TEXT_CT }).end(BODY), 150));
    const r = await scrapeTarget(target(s.url, { connectTimeout: 50, timeout: 500 }), {});
    expect(r.ok).toBe(true);
  });
});

describe('scrapeTarget: failures become findings', () => {
  it('401 with a token: unauthorized, critical, "token rejected"', async () => {
    const s = await serve((_req, res) => res.writeHead(401).end('nope'));
    const r = failed(await scrapeTarget(target(s.url), { token }));
    expect(r).toMatchObject({ reason: 'unauthorized', status: 401 });
    expect(r.finding).toMatchObject({
      rule: 'scrape-failed',
      severity: 'critical',
      pod: 'pool-0',
      target: 'pool-0',
      summary: 'scrape of pool-0 failed: 401 token rejected',
      promql: 'up{job="codex-pooler-app"}',
      evidence: { reason: 'unauthorized', status: 401, bytes: 0 },
    });
    expect(r.finding.hint).toContain('/admin/system');
    expect(typeof r.finding.evidence.durationMs).toBe('number');
  });

  it('403 without a token: "metrics auth is on but no token configured"', async () => {
    const s = await serve((_req, res) => res.writeHead(403).end());
    const r = failed(await scrapeTarget(target(s.url), { job: 'my-job' }));
    expect(r.finding.summary).toBe('scrape of pool-0 failed: 403 metrics auth is on but no token configured');
    expect(r.finding.promql).toBe('up{job="my-job"}');
  });

  it('500: http-error, warning', async () => {
    const s = await serve((_req, res) => res.writeHead(500, { 'content-type': 'text/plain' }).end('stack trace here'));
    const r = failed(await scrapeTarget(target(s.url), {}));
    expect([r.reason, r.finding.severity, r.finding.evidence.status, r.finding.summary]).toEqual(['http-error', 'warning', 500, 'scrape of pool-0 failed: HTTP 500']);
    expect(JSON.stringify(r)).not.toContain('stack trace here');
  });

  it('text/html: not an exposition, the body stays out of the finding', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html>login page SECRET-MARKER</html>'));
    const r = failed(await scrapeTarget(target(s.url), {}));
    expect([r.reason, r.finding.severity, r.finding.evidence.contentType]).toEqual(['not-exposition', 'warning', 'text/html']);
    expect(JSON.stringify(r)).not.toContain('SECRET-MARKER');
  });

  it('invalid exposition: parse-error with line:column in the evidence', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'content-type': TEXT_CT }).end('ok_metric 1\nbroken{pod="a" 1\n'));
    const r = failed(await scrapeTarget(target(s.url), {}));
    expect(r.reason).toBe('parse-error');
    expect(r.finding.evidence.line).toBe(2);
    expect(r.finding.evidence.column).toBeGreaterThan(0);
    expect(r.finding.summary).toBe(`scrape of pool-0 failed: invalid text exposition at 2:${r.finding.evidence.column}`);
  });

  it('a body over maxBytes aborts the download: the server sees the connection close before it sent everything', async () => {
    const total = 16 * 1024 * 1024;
    const chunk = Buffer.alloc(64 * 1024, 'a');
    let sent = 0;
    let closedEarly!: (v: boolean) => void;
    const serverSawClose = new Promise<boolean>((resolve) => (closedEarly = resolve));
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': TEXT_CT });
      res.on('close', () => closedEarly(sent < total));
      const pump = (): void => {
        while (sent < total && !res.destroyed) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (sent >= total) res.end();
      };
      pump();
    });
    const r = failed(await scrapeTarget(target(s.url, { maxBytes: 100_000 }), {}));
    expect([r.reason, r.finding.severity]).toEqual(['too-large', 'warning']);
    expect(r.bytes).toBeGreaterThan(100_000);
    expect(await serverSawClose).toBe(true);
    expect(sent).toBeLessThan(total);
  });

  it('a gzip bomb is capped on the decompressed size', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    const s = await serve((_req, res) => res.writeHead(200, { 'content-type': TEXT_CT, 'content-encoding': 'gzip' }).end(bomb));
    const r = failed(await scrapeTarget(target(s.url, { maxBytes: 1_000_000 }), {}));
    expect(r.reason).toBe('too-large');
    expect(r.bytes).toBeGreaterThan(1_000_000);
    expect(r.bytes).toBeLessThan(2_000_000);
  });

  it('a redirect is not followed by default, and the other port never sees the token', async () => {
    const other = await serve((_req, res) => res.writeHead(200, { 'content-type': TEXT_CT }).end(BODY));
    const s = await serve((_req, res) => res.writeHead(302, { location: `${other.url}/metrics?token=abc` }).end());
    const r = failed(await scrapeTarget(target(s.url), { token }));
    expect([r.reason, r.status, r.finding.severity]).toEqual(['redirect', 302, 'warning']);
    expect(r.finding.evidence.location).toBe(`${other.url}/metrics`);
    expect(other.requests).toHaveLength(0);
    expect(JSON.stringify(r)).not.toContain('token=abc');
  });

  it('with followRedirects, a redirect to another port is followed without the token', async () => {
    const other = await serve((_req, res) => res.writeHead(200, { 'content-type': TEXT_CT }).end(BODY));
    const s = await serve((_req, res) => res.writeHead(302, { location: `${other.url}/metrics` }).end());
    const r = await scrapeTarget(target(s.url, { followRedirects: true }), { token });
    expect(r.ok).toBe(true);
    expect(s.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(other.requests).toHaveLength(1);
    expect(other.requests[0]!.headers.authorization).toBeUndefined();
  });

  it('a server that accepts and never answers hits the total timeout', async () => {
    const s = await serve(() => undefined);
    const r = failed(await scrapeTarget(target(s.url, { timeout: 200 }), {}));
    expect([r.reason, r.finding.severity, r.finding.summary]).toEqual(['timeout', 'critical', 'scrape of pool-0 failed: no complete response within timeout 200 ms']);
    expect(r.durationMs).toBeGreaterThanOrEqual(190);
    expect(r.durationMs).toBeLessThan(1_000);
  });

  it('a server that sends headers then hangs mid-body hits the total timeout', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': TEXT_CT });
      res.write('vm_memory_total_bytes 1\n');
    });
    const r = failed(await scrapeTarget(target(s.url, { timeout: 200 }), {}));
    expect([r.reason, r.status]).toEqual(['timeout', 200]);
    expect(r.bytes).toBe(24);
  });

  it('connection refused: down, critical', async () => {
    const port = await closedPort();
    const r = failed(await scrapeTarget(target(`http://127.0.0.1:${port}/metrics`), { token }));
    expect([r.reason, r.finding.severity, r.finding.summary]).toEqual(['down', 'critical', 'scrape of pool-0 failed: connection refused']);
    expect(r.status).toBeUndefined();
  });

  it('a caller abort ends the scrape as a timeout without throwing', async () => {
    const s = await serve(() => undefined);
    const ctl = new AbortController();
    setTimeout(() => ctl.abort(), 50);
    const r = failed(await scrapeTarget(target(s.url), { signal: ctl.signal }));
    expect(r.reason).toBe('timeout');
    expect(r.durationMs).toBeLessThan(400);
  });
});

describe('scrapeTarget: no secret leaks', () => {
  it('never puts the token, URL credentials or query strings into findings, JSON or logs', async () => {
    const port = await closedPort();
    const s = await serve((req, res) => {
      if (req.url?.startsWith('/401')) return void res.writeHead(401).end(`bad token ${TOKEN}`);
      if (req.url?.startsWith('/html')) return void res.writeHead(200, { 'content-type': 'text/html' }).end(`echo ${TOKEN}`);
      if (req.url?.startsWith('/parse')) return void res.writeHead(200, { 'content-type': TEXT_CT }).end(`bad{x="${TOKEN}" 1\n`);
      if (req.url?.startsWith('/redirect')) return void res.writeHead(302, { location: `http://u:${TOKEN}@127.0.0.1:${port}/?t=${TOKEN}` }).end();
      return undefined;
    });
    const base = s.url.replace('http://', `http://user:${TOKEN}@`);
    const results = await Promise.all(
      ['/401', '/html', '/parse', '/redirect', '/hang'].map((p) =>
        scrapeTarget(target(`${base}${p}?access_token=${TOKEN}`, { timeout: 200 }), { token }),
      ),
    );
    results.push(await scrapeTarget(target(`http://user:${TOKEN}@127.0.0.1:${port}/m?token=${TOKEN}`), { token }));
    let logged = '';
    const log = createLogger({ stream: { write: (l: string) => (logged += l) }, level: 'debug' });
    for (const r of results) {
      expect(r.ok).toBe(false);
      log.warn('scrape failed', { result: r });
    }
    const all = JSON.stringify(results) + logged;
    expect(all).not.toContain(TOKEN);
    expect(all).not.toContain('access_token');
    expect(results.map((r) => !r.ok && r.reason)).toEqual(['unauthorized', 'not-exposition', 'parse-error', 'redirect', 'timeout', 'down']);
  });
});
