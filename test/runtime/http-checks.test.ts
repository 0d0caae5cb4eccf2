import { describe, expect, it } from 'vitest';
import { HttpCheck } from '../../functions/config/checks.ts';
import { Config } from '../../functions/config/schema.ts';
import type { HttpObservation } from '../../functions/core/probes/http-check-types.ts';
import { ConfigError } from '../../functions/platform/errors.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import { buildWatcher } from '../../functions/runtime/build-watcher.ts';
import type { CheckRunner } from '../../functions/runtime/check-runner.ts';
import { createHttpCheckRunner, memoSecretResolver, preflightHttpChecks } from '../../functions/runtime/http-checks.ts';
import { probeRound, runChecks } from '../../functions/runtime/probe-round.ts';
import { serverPerTest, closedPort } from '../platform/http-servers.ts';

const SECRET = 'pw-check-secret-7Hq2xZ9Lw4';
const env = { CHECK_KEY: SECRET };

const serve = serverPerTest();

function logSink() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ stream: { write: (l: string) => lines.push(l) }, level: 'debug' }) };
}

describe('createHttpCheckRunner', () => {
  it('runs every check, names each as evaluated, emits findings and CheckSuccess/CheckLatency metrics', async () => {
    const s = await serve((req, res) => (req.url === '/up' ? res.writeHead(200).end('ok') : res.writeHead(500).end('boom')));
    const checks = [HttpCheck.parse({ name: 'up', url: `${s.url}/up` }), HttpCheck.parse({ name: 'broken', url: `${s.url}/broken`, severity: 'warning' })];
    const run = createHttpCheckRunner(checks, { resolveSecret: memoSecretResolver(env) });
    const r = await run({ ts: Date.now(), scrapes: [] });
    expect(r.evaluated).toEqual(['up', 'broken']);
    expect(r.findings.map((f) => [f.rule, f.pod, f.severity])).toEqual([['http-check-failed', 'broken', 'warning']]);
    expect(r.metrics.map((m) => [m.check, m.name, m.name === 'CheckLatency' ? typeof m.value : m.value, m.unit])).toEqual([
      ['up', 'CheckSuccess', 1, 'Count'],
      ['up', 'CheckLatency', 'number', 'Milliseconds'],
      ['broken', 'CheckSuccess', 0, 'Count'],
      ['broken', 'CheckLatency', 'number', 'Milliseconds'],
    ]);
  });

  it('a secret header value is sent, and never reaches a finding, a log line or a metric', async () => {
    // The server echoes the header into its body, a redirect target and its status line: all must stay out.
    const s = await serve((req, res) => {
      const echoed = String(req.headers['x-api-key']);
      res.writeHead(503, `Nope ${echoed}`, { 'content-type': 'application/json', 'x-echo': echoed }).end(JSON.stringify({ status: 'down', key: echoed }));
    });
    const check = HttpCheck.parse({
      name: 'secured',
      url: `${s.url}/private?api_key=${SECRET}`,
      headers: { 'X-Api-Key': { env: 'CHECK_KEY' } },
      maxLatency: 1,
      expectBody: [{ type: 'contains', value: 'up' }, { type: 'jsonPath', path: '$.key', equals: 'other' }],
    });
    const { lines, logger } = logSink();
    const run = createHttpCheckRunner([check], { resolveSecret: memoSecretResolver(env), logger });
    const r = await run({ ts: Date.now(), scrapes: [] });
    expect(s.requests[0]!.headers['x-api-key']).toBe(SECRET);
    expect(r.findings.map((f) => f.rule)).toEqual(['http-check-failed']);
    const everything = JSON.stringify(r) + lines.join('\n');
    expect(everything).not.toContain(SECRET);
    expect(everything).not.toContain(encodeURIComponent(SECRET));
    expect(lines.some((l) => l.includes('"check":"secured"'))).toBe(true);
  });

  it('a body is sent (a secret one as resolved), and neither reaches a finding, a log line or a metric', async () => {
    const BODY_SECRET = '{"input":"pw-secret-body-Kd83Vn2"}';
    const LITERAL = 'pw-literal-body-Qa51';
    const received: string[] = [];
    const s = await serve((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString('utf8')));
      req.on('end', () => {
        received.push(`${req.headers['content-type']} ${body}`);
        res.writeHead(500, `Echo ${body.replace(/[^\x20-\x7e]/g, '')}`, { 'x-echo': body.replace(/[^\x20-\x7e]/g, '') }).end(body);
      });
    });
    const checks = [
      HttpCheck.parse({ name: 'secret-body', method: 'POST', url: `${s.url}/v1/responses`, body: { secret: { env: 'BODY_JSON' }, contentType: 'application/json' }, expectBody: [{ type: 'contains', value: 'nope' }] }),
      HttpCheck.parse({ name: 'literal-body', method: 'PUT', url: `${s.url}/v1/responses`, body: { json: { input: LITERAL } } }),
    ];
    const { lines, logger } = logSink();
    const r = await createHttpCheckRunner(checks, { resolveSecret: memoSecretResolver({ BODY_JSON: BODY_SECRET }), logger, concurrency: 1 })({ ts: Date.now(), scrapes: [] });
    expect(received).toEqual([`application/json ${BODY_SECRET}`, `application/json {"input":"${LITERAL}"}`]);
    expect(r.findings.map((f) => [f.rule, f.pod])).toEqual([
      ['http-check-failed', 'secret-body'],
      ['http-check-failed', 'literal-body'],
    ]);
    const everything = JSON.stringify(r) + lines.join('\n');
    expect(everything).not.toContain('pw-secret-body');
    expect(everything).not.toContain(LITERAL);
    expect(lines.filter((l) => l.includes('"http check"'))).toHaveLength(2);
  });

  it('a secret body over 64 KiB: preflight names the ref (not the value), a round fails the check', async () => {
    const env = { BIG_BODY: 'pw-big-' + 'b'.repeat(65_536) };
    const check = HttpCheck.parse({ name: 'big', method: 'POST', url: 'http://127.0.0.1:9/', body: { secret: { env: 'BIG_BODY' } } });
    const failure = await preflightHttpChecks([check], memoSecretResolver(env)).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConfigError);
    expect((failure as Error).message).toBe('secret env:BIG_BODY: over the 65536 bytes a check body may have');
    const { lines, logger } = logSink();
    const r = await createHttpCheckRunner([check], { resolveSecret: memoSecretResolver(env), logger })({ ts: 0, scrapes: [] });
    expect(r.findings[0]).toMatchObject({ rule: 'http-check-failed', evidence: { reason: 'secret-unavailable' } });
    expect(lines.join('\n')).toContain('env:BIG_BODY');
    expect(JSON.stringify(r) + lines.join('\n')).not.toContain('pw-big-');
  });

  it('a secret that cannot be resolved is a failed check naming the reference, never a throw', async () => {
    const { lines, logger } = logSink();
    const check = HttpCheck.parse({ name: 'nokey', url: 'http://127.0.0.1:9/', headers: { Authorization: { env: 'MISSING_VAR' } } });
    const r = await createHttpCheckRunner([check], { resolveSecret: memoSecretResolver({}), logger })({ ts: 0, scrapes: [] });
    expect(r.findings[0]).toMatchObject({ rule: 'http-check-failed', evidence: { reason: 'secret-unavailable' } });
    expect(r.metrics.find((m) => m.name === 'CheckSuccess')?.value).toBe(0);
    expect(lines.join('\n')).toContain('env:MISSING_VAR');
  });

  it('preflight fails fast with a ConfigError naming the ref, and passes when every secret resolves', async () => {
    const check = HttpCheck.parse({ name: 'x', url: 'http://127.0.0.1:9/', headers: { 'X-K': { env: 'CHECK_KEY' } } });
    await expect(preflightHttpChecks([check], memoSecretResolver({}))).rejects.toThrow(ConfigError);
    await expect(preflightHttpChecks([check], memoSecretResolver({}))).rejects.toThrow(/env:CHECK_KEY/);
    await expect(preflightHttpChecks([check], memoSecretResolver(env))).resolves.toBeUndefined();
  });

  it('bounds concurrency', async () => {
    let inFlight = 0;
    let peak = 0;
    const perform = async (): Promise<HttpObservation> => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((r) => setTimeout(r, 5));
      inFlight -= 1;
      return { status: 200, latencyMs: 5, body: '', bodyBytes: 0, bodyTruncated: false, redirects: 0 };
    };
    const checks = Array.from({ length: 10 }, (_, i) => HttpCheck.parse({ name: `c${i}`, url: 'http://127.0.0.1:9/' }));
    const r = await createHttpCheckRunner(checks, { resolveSecret: memoSecretResolver({}), concurrency: 3, perform })({ ts: 0, scrapes: [] });
    expect(peak).toBe(3);
    expect(r.evaluated).toHaveLength(10);
  });
});

describe('probeRound with check runners', () => {
  it('check findings go through the watcher: pending, firing at failureThreshold, resolved after successThreshold', async () => {
    let healthy = false;
    const s = await serve((_req, res) => res.writeHead(healthy ? 200 : 502).end());
    const config = Config.parse({ checks: [{ name: 'api', url: s.url, failureThreshold: 2, successThreshold: 1 }] });
    const watcher = buildWatcher(config);
    const runner = createHttpCheckRunner(config.checks, { resolveSecret: memoSecretResolver({}) });
    let t = Date.parse('2026-11-24T10:00:00Z');
    const round = async () => {
      t += 30_000;
      const r = await probeRound([], watcher, () => t, undefined, [runner]);
      return r.transitions.map((x) => `${x.action}:${x.state.rule}`);
    };
    expect(await round()).toEqual([]);
    expect(await round()).toEqual(['trigger:http-check-failed']);
    healthy = true;
    expect(await round()).toEqual(['resolve:http-check-failed']);
  });

  it('a runner that breaks its contract is left out; the others still count', async () => {
    const good: CheckRunner = async () => ({ findings: [], evaluated: ['a'], metrics: [{ check: 'a', name: 'CheckSuccess', value: 1, unit: 'Count' }] });
    const bad: CheckRunner = async () => {
      throw new Error('bug');
    };
    expect(await runChecks([bad, good], { ts: 0, scrapes: [] })).toEqual({ findings: [], evaluated: ['a'], metrics: [{ check: 'a', name: 'CheckSuccess', value: 1, unit: 'Count' }] });
  });

  it('a refused connection fails the check without failing the round', async () => {
    const port = await closedPort();
    const config = Config.parse({ checks: [{ name: 'gone', url: `http://127.0.0.1:${port}/`, failureThreshold: 1 }] });
    const runner = createHttpCheckRunner(config.checks, { resolveSecret: memoSecretResolver({}) });
    const r = await probeRound([], buildWatcher(config), Date.now, undefined, [runner]);
    expect(r.transitions.map((x) => [x.action, x.state.rule, x.state.summary])).toEqual([['trigger', 'http-check-failed', 'check gone failed: connection refused']]);
    expect(r.checks.metrics.find((m) => m.name === 'CheckSuccess')?.value).toBe(0);
  });
});
