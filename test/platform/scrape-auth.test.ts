import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { Target } from '../../functions/config/schema.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import { redactText } from '../../functions/platform/redact.ts';
import { scrapeTarget } from '../../functions/platform/scrape.ts';
import type { ScrapeFailed, ScrapeOk } from '../../functions/platform/scrape.ts';
import { Secret } from '../../functions/platform/secrets.ts';
import { closedPort, serverPerTest } from './http-servers.ts';

const USER = 'pooler-watch';
const PASSWORD = 'pw-federate-pass-5Rt8Wq2Jm7';
const TOKEN = 'pw-federate-token-4Hx9Lc3Vn1';
const basicValue = (user: string, password: string): string => Buffer.from(`${user}:${password}`, 'utf8').toString('base64');
const TEXT_CT = 'text/plain; version=0.0.4; charset=utf-8';
const BODY = '# TYPE container_memory_rss untyped\ncontainer_memory_rss{namespace="codex-pooler",pod="codex-pooler-app-0",container="app"} 1024\n';

const serve = serverPerTest();
function target(url: string, extra: Record<string, unknown> = {}): Target {
  return Target.parse({ name: 'fed', kind: 'federate', url, timeout: 500, connectTimeout: 300, auth: { type: 'basic', username: USER }, token: { env: 'FEDERATE_PASSWORD' }, ...extra });
}
function failed(r: ScrapeOk | ScrapeFailed): ScrapeFailed {
  if (r.ok) throw new Error('expected a failed scrape');
  return r;
}
/** A reverse proxy in front of /federate with basic auth; a refusal echoes the credentials it was sent. */
function basicAuthProxy(user: string, password: string) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const sent = req.headers.authorization ?? '';
    if (sent === `Basic ${basicValue(user, password)}`) return void res.writeHead(200, { 'content-type': TEXT_CT }).end(BODY);
    res.writeHead(401, { 'www-authenticate': 'Basic realm="prometheus"', 'x-echo': sent }).end(`denied: ${sent}`);
  };
}

describe('scrapeTarget: basic auth', () => {
  it.each(['federate', 'metrics'])('%s: the right username and password pass the proxy', async (kind) => {
    const s = await serve(basicAuthProxy(USER, PASSWORD));
    const r = await scrapeTarget(target(`${s.url}/federate`, { kind }), { token: new Secret(PASSWORD) });
    expect(r.ok).toBe(true);
    expect(r.ok && r.snapshot.families.map((f) => f.name)).toEqual(['container_memory_rss']);
    expect(s.requests[0]!.headers.authorization).toBe(`Basic ${basicValue(USER, PASSWORD)}`);
  });

  it('a wrong password: unauthorized, naming basic-auth credentials, with the basic-auth hint', async () => {
    const s = await serve(basicAuthProxy(USER, PASSWORD));
    const r = failed(await scrapeTarget(target(`${s.url}/federate`), { token: new Secret(`${PASSWORD}-old`) }));
    expect([r.reason, r.status, r.finding.severity]).toEqual(['unauthorized', 401, 'critical']);
    expect(r.finding.summary).toBe('scrape of fed failed: 401 basic-auth credentials rejected');
    expect(r.finding.hint).toBe('check the basic-auth username and the password the target references');
  });

  it('a wrong username is refused the same way', async () => {
    const s = await serve(basicAuthProxy(USER, PASSWORD));
    const r = failed(await scrapeTarget(target(`${s.url}/federate`, { auth: { type: 'basic', username: 'someone-else' } }), { token: new Secret(PASSWORD) }));
    expect(r.finding.summary).toBe('scrape of fed failed: 401 basic-auth credentials rejected');
  });
});

describe('scrapeTarget: explicit bearer and none', () => {
  it('auth bearer sends the token as before and a refusal still says "token rejected", with the default hint', async () => {
    const s = await serve((_req, res) => res.writeHead(403).end());
    const r = failed(await scrapeTarget(target(s.url, { auth: { type: 'bearer' } }), { token: new Secret(TOKEN) }));
    expect(s.requests[0]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(r.finding.summary).toBe('scrape of fed failed: 403 token rejected');
    expect(r.finding.hint).toContain('/admin/system');
  });

  it('auth none sends no Authorization; a refusal says no token is configured', async () => {
    const s = await serve((_req, res) => res.writeHead(401).end());
    const r = failed(await scrapeTarget(target(s.url, { auth: { type: 'none' }, token: undefined }), {}));
    expect(s.requests[0]!.headers.authorization).toBeUndefined();
    expect(r.finding.summary).toBe('scrape of fed failed: 401 metrics auth is on but no token configured');
  });
});

describe('scrapeTarget: basic auth leaks nothing', () => {
  it('neither the password nor the base64 user:password reaches findings or logs, after a 401 or a refused connection', async () => {
    // Short on purpose: a base64 run under 32 characters escapes the high-entropy heuristic, only the registry catches it.
    const [user, password] = ['prom', 'hunter2-Zq'];
    const header = basicValue(user, password);
    const secret = new Secret(password);
    // Before the first scrape only the password is known, and none of its own encodings is in the header's base64.
    expect(redactText(`sent ${header}`)).toContain(header);
    const s = await serve(basicAuthProxy(user, 'the-right-one'));
    const port = await closedPort();
    const auth = { type: 'basic', username: user };
    const results = [
      await scrapeTarget(target(`${s.url}/federate`, { auth }), { token: secret }),
      await scrapeTarget(target(`http://127.0.0.1:${port}/federate`, { auth }), { token: secret }),
    ];
    expect(s.requests[0]!.headers.authorization).toBe(`Basic ${header}`);
    expect(results.map((r) => !r.ok && r.reason)).toEqual(['unauthorized', 'down']);
    let logged = '';
    const log = createLogger({ stream: { write: (l: string) => (logged += l) }, level: 'debug' });
    for (const r of results) log.warn('scrape failed', { result: r });
    // What a careless caller might log: the bare credentials (no "Basic " for the pattern to catch) and a raw error.
    log.warn('echoed by the proxy', { echo: header, error: new Error(`upstream said: ${header}`) });
    const all = JSON.stringify(results) + logged;
    for (const leak of [password, header, header.replace(/=+$/, '')]) expect(all).not.toContain(leak);
    expect(logged).toContain('echoed by the proxy');
  });
});
