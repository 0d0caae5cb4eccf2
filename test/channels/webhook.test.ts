import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelDeps } from '../../functions/channels/channel.ts';
import {
  buildWebhookPayload,
  createWebhookChannel,
  LIMITS,
  signWebhookBody,
  verifyWebhookSignature,
  WebhookConfig,
  type WebhookPayload,
} from '../../functions/channels/webhook.ts';
import { ChannelError } from '../../functions/platform/errors.ts';
import { sendHttp, type HttpRequest } from '../../functions/platform/http.ts';
import { resolveSecret } from '../../functions/platform/secrets.ts';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts';
import { hugeNotification, notification, resolvedNotification } from '../helpers/notifications.ts';

const golden = (file: string): unknown => JSON.parse(readFileSync(new URL(`../fixtures/channels/${file}`, import.meta.url), 'utf8'));
const URL_TOKEN = 'hook-URL-TOKEN-5e6f7a8b';
const HMAC_SECRET = 'whsec-SHARED-SECRET-1a2b3c4d5e';
const AUTH_SECRET = 'Bearer AUTH-HEADER-SECRET-99aa';
const NOW = Date.parse('2026-11-24T12:00:00Z');
const TS = String(NOW / 1000);

function makeDeps(env: Record<string, string>): ChannelDeps & { calls: HttpRequest[] } {
  const calls: HttpRequest[] = [];
  return {
    calls,
    resolveSecret: (ref) => resolveSecret(ref, env),
    http: (req, now) => {
      calls.push(req);
      return sendHttp(req, now);
    },
    now: () => NOW,
  };
}

async function channelFor(baseUrl: string, extra: Record<string, unknown> = {}) {
  const config = WebhookConfig.parse({
    type: 'webhook',
    url: { env: 'HOOK_URL' },
    secret: { env: 'HOOK_SECRET' },
    headers: { Authorization: { env: 'HOOK_AUTH' }, 'X-Team': 'sre' },
    ...extra,
  });
  const deps = makeDeps({ HOOK_URL: `${baseUrl}/hooks/pooler?token=${URL_TOKEN}`, HOOK_SECRET: HMAC_SECRET, HOOK_AUTH: AUTH_SECRET });
  return { channel: await createWebhookChannel('receiver-x', config, deps), deps };
}
const ctx = (timeoutMs = 2_000) => ({ signal: new AbortController().signal, timeoutMs });

describe('buildWebhookPayload', () => {
  it('matches the golden payload (firing and resolved)', () => {
    expect(buildWebhookPayload(notification())).toEqual(golden('webhook.golden.json'));
    expect(buildWebhookPayload(resolvedNotification())).toEqual(golden('webhook.resolved.golden.json'));
  });

  it('is a stable, documented shape: version 1, alerts carry exactly the AlertItem fields', () => {
    const p = buildWebhookPayload(notification());
    expect(Object.keys(p)).toEqual(['version', 'id', 'receiver', 'groupKey', 'kind', 'status', 'severity', 'title', 'createdAt', 'truncatedAlerts', 'alerts']);
    expect(p.version).toBe('1');
    expect(p.truncatedAlerts).toBe(0);
    const leaky = notification({}, [{ ...notification().alerts[0]!, internal: 'x' } as never]);
    expect(JSON.stringify(buildWebhookPayload(leaky))).not.toContain('internal');
  });

  it('drops alerts beyond the body cap and counts them in truncatedAlerts', () => {
    const huge = buildWebhookPayload(hugeNotification());
    expect(Buffer.byteLength(JSON.stringify(huge))).toBeLessThanOrEqual(LIMITS.body.max);
    expect(huge.alerts.length).toBeGreaterThan(0);
    expect(huge.alerts.length + huge.truncatedAlerts).toBe(80);
    // The cap is tight: one more alert would not have fitted.
    const more = { ...huge, alerts: hugeNotification().alerts.slice(0, huge.alerts.length + 1) };
    expect(Buffer.byteLength(JSON.stringify(more))).toBeGreaterThan(LIMITS.body.max);
    for (const cap of [4096, 20_000, 500_000]) {
      const p = buildWebhookPayload(hugeNotification(), cap);
      expect(Buffer.byteLength(JSON.stringify(p))).toBeLessThanOrEqual(cap);
      expect(p.alerts.length + p.truncatedAlerts).toBe(80);
    }
  });
});

describe('signature', () => {
  const body = JSON.stringify(buildWebhookPayload(notification()));
  const sig = signWebhookBody(HMAC_SECRET, TS, body);

  it('verifies a genuine body and rejects tampering, wrong secret, replays and malformed input', () => {
    const base = { secret: HMAC_SECRET, timestamp: TS, body, signature: sig, now: NOW };
    expect(sig).toMatch(/^v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature(base)).toEqual({ ok: true });
    expect(verifyWebhookSignature({ ...base, now: NOW + 299_000 })).toEqual({ ok: true });
    expect(verifyWebhookSignature({ ...base, body: body.replace('critical', 'warning') })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyWebhookSignature({ ...base, secret: 'another-secret' })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyWebhookSignature({ ...base, timestamp: String(Number(TS) + 1) })).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verifyWebhookSignature({ ...base, now: NOW + 301_000 })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhookSignature({ ...base, now: NOW - 3_600_000 })).toEqual({ ok: false, reason: 'stale' });
    expect(verifyWebhookSignature({ ...base, now: NOW + 3_600_000, toleranceSeconds: 7_200 })).toEqual({ ok: true });
    for (const signature of ['', 'v1=', 'v1=zz', sig.replace('v1=', 'v2='), sig.slice(0, -2), `${sig}00`, sig.replace('v1=', '')]) {
      expect(verifyWebhookSignature({ ...base, signature })).toEqual({ ok: false, reason: 'malformed' });
    }
    for (const timestamp of ['', 'abc', '-1', '1.5', '1e9']) {
      expect(verifyWebhookSignature({ ...base, timestamp })).toEqual({ ok: false, reason: 'malformed' });
    }
    expect(verifyWebhookSignature({ ...base, secret: '' })).toEqual({ ok: false, reason: 'malformed' });
  });

  it('property: any body round-trips sign → verify, any single-byte change fails', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 512 }), fc.nat(), fc.integer({ min: 1, max: 255 }), fc.string({ minLength: 1 }), (bytes, at, delta, secret) => {
        const ts = '1795000000';
        const signature = signWebhookBody(secret, ts, bytes);
        const now = 1_795_000_000_000;
        expect(verifyWebhookSignature({ secret, timestamp: ts, body: bytes, signature, now })).toEqual({ ok: true });
        const tampered = Uint8Array.from(bytes);
        const i = at % tampered.length;
        tampered[i] = (tampered[i]! + delta) % 256;
        expect(verifyWebhookSignature({ secret, timestamp: ts, body: tampered, signature, now })).toEqual({ ok: false, reason: 'bad-signature' });
      }),
    );
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), (text) => {
        const signature = signWebhookBody('k', TS, text);
        expect(verifyWebhookSignature({ secret: 'k', timestamp: TS, body: text, signature, now: NOW })).toEqual({ ok: true });
        expect(verifyWebhookSignature({ secret: 'k', timestamp: TS, body: Buffer.from(text, 'utf8'), signature, now: NOW })).toEqual({ ok: true });
        expect(verifyWebhookSignature({ secret: 'k', timestamp: TS, body: `${text} `, signature, now: NOW }).ok).toBe(false);
      }),
    );
  });
});

describe('webhook channel over HTTP', () => {
  let server: CaptureServer;
  beforeAll(async () => {
    server = await startCaptureServer({ status: 204 });
  });
  afterAll(() => server.close());

  it('sends the documented headers and a signature that verifies on the captured raw body', async () => {
    const { channel } = await channelFor(server.url);
    const before = server.requests.length;
    await channel.send(hugeNotification(), ctx());
    const req = server.requests[before]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/hooks/pooler?token=${URL_TOKEN}`);
    expect(req.headers['content-type']).toBe('application/json');
    expect(req.headers['user-agent']).toBe('pooler-watch');
    expect(req.headers['x-pooler-watch-id']).toBe(hugeNotification().id);
    expect(req.headers['x-pooler-watch-timestamp']).toBe(TS);
    expect(req.headers.authorization).toBe(AUTH_SECRET);
    expect(req.headers['x-team']).toBe('sre');
    const signature = req.headers['x-pooler-watch-signature'] as string;
    expect(verifyWebhookSignature({ secret: HMAC_SECRET, timestamp: TS, body: req.body, signature, now: NOW })).toEqual({ ok: true });
    expect(verifyWebhookSignature({ secret: HMAC_SECRET, timestamp: TS, body: `${req.body}\n`, signature, now: NOW }).ok).toBe(false);
    expect(Buffer.byteLength(req.body)).toBeLessThanOrEqual(LIMITS.body.max);
    const body = req.json as WebhookPayload;
    expect(body).toMatchObject({ version: '1', id: hugeNotification().id, receiver: 'oncall', kind: 'trigger', status: 'firing' });
    expect(body.alerts.length + body.truncatedAlerts).toBe(80);
  });

  it('honours a configured body cap', async () => {
    const { channel } = await channelFor(server.url, { maxBodyBytes: 8_192 });
    await channel.send(hugeNotification(), ctx());
    const req = server.requests.at(-1)!;
    expect(Buffer.byteLength(req.body)).toBeLessThanOrEqual(8_192);
    expect((req.json as WebhookPayload).truncatedAlerts).toBe(80);
  });

  it('config refuses to override reserved headers', () => {
    for (const h of ['Content-Type', 'user-agent', 'X-Pooler-Watch-Signature', 'Host']) {
      expect(() => WebhookConfig.parse({ type: 'webhook', url: { env: 'U' }, secret: { env: 'S' }, headers: { [h]: 'x' } })).toThrow();
    }
    expect(() => WebhookConfig.parse({ type: 'webhook', url: { env: 'U' }, secret: { env: 'S' }, maxBodyBytes: 100 })).toThrow();
  });

  const table: Array<[number, 'ok' | boolean]> = [
    [200, 'ok'], [201, 'ok'], [202, 'ok'], [204, 'ok'],
    [400, false], [401, false], [403, false], [404, false], [408, true], [413, false], [429, true], [500, true], [502, true], [503, true],
  ];
  it.each(table)('HTTP %i → %s', async (status, expected) => {
    const { channel } = await channelFor(server.url);
    server.script(status === 429 ? { status, headers: { 'retry-after': '12' }, body: 'slow down' } : { status, body: 'x' });
    const run = channel.send(notification(), ctx());
    if (expected === 'ok') return void (await expect(run).resolves.not.toThrow());
    const err = await run.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelError);
    expect(err).toMatchObject({ channel: 'webhook', status, retryable: expected });
    expect((err as ChannelError).retryAfterMs).toBe(status === 429 ? 12_000 : undefined);
  });

  it('network error (closed port) and timeout are retryable', async () => {
    const closed = await startCaptureServer();
    const url = closed.url;
    await closed.close();
    const refused = await (await channelFor(url)).channel.send(notification(), ctx()).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'ChannelError', retryable: true, status: undefined });
    server.script({ status: 200, delayMs: 1_000 });
    const slow = await (await channelFor(server.url, { timeoutMs: 150 })).channel.send(notification(), ctx()).catch((e: unknown) => e);
    expect(slow).toMatchObject({ name: 'ChannelError', retryable: true, reason: 'timeout' });
  });

  it('never leaks the URL token, the HMAC secret or a secret header into errors or the payload', async () => {
    const { channel, deps } = await channelFor(server.url);
    for (const status of [401, 500]) {
      server.script({ status, body: `${URL_TOKEN} ${HMAC_SECRET} ${AUTH_SECRET}` });
      const err = await channel.send(notification(), ctx()).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ChannelError);
      for (const text of [(err as Error).message, JSON.stringify(err), String(err), inspect(err, { depth: 5 }), (err as Error).stack ?? '']) {
        for (const secret of [URL_TOKEN, HMAC_SECRET, AUTH_SECRET]) expect(text).not.toContain(secret);
      }
    }
    const last = deps.calls.at(-1)!;
    for (const secret of [URL_TOKEN, HMAC_SECRET, AUTH_SECRET]) {
      expect(String(last.body)).not.toContain(secret);
      expect(inspect(last, { depth: 5 })).not.toContain(secret);
    }
    // Only where the receiver requires them: the URL and the configured auth header. The HMAC secret never travels.
    const req = server.requests.at(-1)!;
    expect(req.path).toContain(URL_TOKEN);
    expect(req.headers.authorization).toBe(AUTH_SECRET);
    expect(JSON.stringify(req.headers) + req.body + req.path).not.toContain(HMAC_SECRET);
  });
});
