import { connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { startReceiver, type RunningReceiver } from '../../../functions/platform/receiver/index.ts';
import { fixtureText } from '../../core/alertmanager/load-fixture.ts';
import { BASIC_PASS, BASIC_USER, BEARER, basicHeader, flood, jsonHeaders, parsedLogs, send, testDeps } from './helpers.ts';

const MiB = 1024 * 1024;
let running: RunningReceiver | undefined;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(overrides: Parameters<typeof testDeps>[0] = {}, listen: { maxBodyBytes?: number; bodyTimeoutMs?: number } = {}) {
  const t = testDeps(overrides);
  running = await startReceiver({ ...t.deps, host: '127.0.0.1', port: 0, ...listen });
  return { ...t, url: running.url, port: running.port };
}

const payload = fixtureText('codex-pooler-firing-resolved');

describe('startReceiver', () => {
  it('listens on 127.0.0.1 with an ephemeral port', async () => {
    const { url, port } = await start();
    expect(url).toBe(`http://127.0.0.1:${port}`);
    expect(port).toBeGreaterThan(0);
  });

  it('accepts a webhook once, then answers duplicate for the retry', async () => {
    const { url, batches, lines } = await start();
    const first = await send(url, { headers: jsonHeaders(), body: payload });
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body)).toEqual({ status: 'accepted' });
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    const retry = await send(url, { headers: jsonHeaders(), body: payload });
    expect(retry.status).toBe(200);
    expect(JSON.parse(retry.body)).toEqual({ status: 'duplicate' });
    expect(batches).toHaveLength(2);
    expect(batches[0]!.key).toBe(batches[1]!.key);
    expect(batches[0]!.alerts.map((a) => a.item.rule)).toEqual(['binary-growth', 'time-to-oom', 'restarts']);
    const logs = parsedLogs(lines);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toMatchObject({ msg: 'alertmanager webhook', status: 200, alerts: 3, key: batches[0]!.key, reason: 'accepted' });
    expect(typeof logs[0]!.durationMs).toBe('number');
  });

  it('accepts basic auth too', async () => {
    const { url } = await start();
    const res = await send(url, { headers: { 'content-type': 'application/json', authorization: basicHeader }, body: payload });
    expect(res.status).toBe(200);
  });

  it.each([
    ['missing', undefined],
    ['wrong bearer', `Bearer ${BEARER}x`],
    ['wrong basic password', `Basic ${Buffer.from(`${BASIC_USER}:${BASIC_PASS}x`).toString('base64')}`],
    ['wrong basic user', `Basic ${Buffer.from(`someone:${BASIC_PASS}`).toString('base64')}`],
    ['unknown scheme', `Digest ${BEARER}`],
  ])('401 with WWW-Authenticate and no detail: %s credentials', async (_name, authorization) => {
    const { url, batches, lines } = await start();
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization) headers.authorization = authorization;
    const res = await send(url, { headers, body: payload });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="pooler-watch", Basic realm="pooler-watch", charset="UTF-8"');
    expect(JSON.parse(res.body)).toEqual({ error: 'unauthorized' });
    expect(batches).toHaveLength(0);
    expect(lines.join('')).not.toContain(BEARER);
    expect(lines.join('')).not.toContain(BASIC_PASS);
  });

  it('405 with Allow for a wrong method, 404 elsewhere', async () => {
    const { url } = await start();
    const get = await send(url, { method: 'GET', headers: jsonHeaders() });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    const health = await send(url, { method: 'POST', path: '/healthz', headers: jsonHeaders(), body: '{}' });
    expect(health.status).toBe(405);
    expect(health.headers.allow).toBe('GET, HEAD');
    const missing = await send(url, { method: 'GET', path: '/metrics' });
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body)).toEqual({ error: 'not found' });
  });

  it('serves /healthz without auth', async () => {
    const { url } = await start();
    const res = await send(url, { method: 'GET', path: '/healthz' });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ status: 'ok' });
  });

  it('415 when the body is not declared JSON (or is compressed)', async () => {
    const { url } = await start();
    expect((await send(url, { headers: { authorization: `Bearer ${BEARER}`, 'content-type': 'text/plain' }, body: payload })).status).toBe(415);
    expect((await send(url, { headers: { authorization: `Bearer ${BEARER}` }, body: payload })).status).toBe(415);
    expect((await send(url, { headers: jsonHeaders({ 'content-encoding': 'gzip' }), body: payload })).status).toBe(415);
    expect((await send(url, { headers: jsonHeaders({ 'content-type': 'application/json; charset=utf-8' }), body: payload })).status).toBe(200);
  });

  it('400 for invalid JSON and for a schema failure, naming the path and never echoing the body', async () => {
    const marker = 'ECHO-MARKER-7f3a';
    const { url, lines } = await start();
    const bad = await send(url, { headers: jsonHeaders(), body: `{"version":"4","groupKey":"${marker}",` });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body)).toEqual({ error: 'invalid JSON' });
    const p = JSON.parse(payload);
    p.alerts[1].labels = { [marker]: 7 };
    p.status = marker;
    const schema = await send(url, { headers: jsonHeaders(), body: JSON.stringify(p) });
    expect(schema.status).toBe(400);
    expect(JSON.parse(schema.body)).toEqual({ error: 'invalid payload', issues: ['status', 'alerts.1.labels'] });
    expect(bad.body + schema.body).not.toContain(marker);
    expect(lines.join('\n')).not.toContain(marker);
    expect(parsedLogs(lines)[1]).toMatchObject({ status: 400, reason: 'invalid payload', issues: ['status', 'alerts.1.labels'] });
  });

  it('400 for nesting deeper than 64 levels', async () => {
    const { url } = await start();
    const res = await send(url, { headers: jsonHeaders(), body: `${'['.repeat(65)}${']'.repeat(65)}` });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: 'JSON nested too deeply' });
  });

  it('503 when handle throws, logging the error class only', async () => {
    const { url, lines } = await start({
      handle: async () => {
        throw new TypeError('queue at /var/lib/x unavailable: token=abc');
      },
    });
    const res = await send(url, { headers: jsonHeaders(), body: payload });
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toEqual({ error: 'not accepted, retry' });
    const [log] = parsedLogs(lines);
    expect(log).toMatchObject({ level: 'error', status: 503, error: 'TypeError', alerts: 3 });
    expect(lines.join('')).not.toContain('unavailable');
  });

  it('413 up front for a declared Content-Length above the cap, without reading it', async () => {
    const { port, lines, batches } = await start({}, { maxBodyBytes: 64 * 1024 });
    const head = `POST /alertmanager HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${BEARER}\r\nContent-Type: application/json\r\nContent-Length: ${64 * MiB}\r\n\r\n`;
    const result = await flood(port, head, Buffer.alloc(64 * 1024, 0x20), 64 * MiB);
    expect(result.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.response).toContain('connection: close');
    expect(result.stopped).toBe(true);
    expect(result.written).toBeLessThan(64 * MiB);
    expect(batches).toHaveLength(0);
    expect(parsedLogs(lines)[0]).toMatchObject({ status: 413, reason: 'payload too large' });
  });

  it('413 while streaming: stops reading past the cap and never buffers the rest', async () => {
    const cap = 256 * 1024;
    const { port, lines } = await start({}, { maxBodyBytes: cap });
    const head = `POST /alertmanager HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${BEARER}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const data = Buffer.alloc(64 * 1024, 0x20);
    const chunk = Buffer.concat([Buffer.from(`${data.length.toString(16)}\r\n`), data, Buffer.from('\r\n')]);
    const result = await flood(port, head, chunk, 128 * MiB);
    expect(result.response).toMatch(/^HTTP\/1\.1 413 /);
    expect(result.stopped).toBe(true);
    expect(result.written).toBeLessThan(128 * MiB);
    const [log] = parsedLogs(lines);
    expect(log).toMatchObject({ status: 413, reason: 'payload too large' });
    // The server read at most one chunk past the cap before it stopped.
    expect(log!.bytes as number).toBeGreaterThan(cap);
    expect(log!.bytes as number).toBeLessThanOrEqual(cap + 64 * 1024);
  });

  it('408 and close when the body is too slow', async () => {
    const { port, lines } = await start({}, { bodyTimeoutMs: 200 });
    const response = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => {
        socket.write(`POST /alertmanager HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${BEARER}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"ver`);
      });
      let text = '';
      socket.on('data', (d: Buffer) => (text += d.toString()));
      socket.on('close', () => resolve(text));
      socket.on('error', () => resolve(text));
    });
    expect(response).toMatch(/^HTTP\/1\.1 408 /);
    expect(parsedLogs(lines)[0]).toMatchObject({ status: 408, reason: 'request timeout' });
  });

  it('refuses to start without any auth configured', async () => {
    const t = testDeps({ auth: {} });
    await expect(startReceiver({ ...t.deps, port: 0 })).rejects.toThrow(/bearer token or basic auth/);
  });
});
