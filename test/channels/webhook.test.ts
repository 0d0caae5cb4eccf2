import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  buildWebhookPayload,
  createWebhookChannel,
  LIMITS,
  signWebhookBody,
  verifyWebhookSignature,
  WebhookConfig,
  type WebhookPayload,
} from '../../functions/channels/webhook.ts';
import { bytes, classifiesStatuses, expectNoSecret, failure, golden, makeDeps, NOW, sendCtx as ctx, useCaptureServer } from '../helpers/channel-contract.ts';
import { hugeNotification, notification, resolvedNotification } from '../helpers/notifications.ts';

const URL_TOKEN = 'hook-URL-TOKEN-5e6f7a8b';
const HMAC_SECRET = 'whsec-SHARED-SECRET-1a2b3c4d5e';
const AUTH_SECRET = 'Bearer AUTH-HEADER-SECRET-99aa';
const TS = String(NOW / 1000);

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

describe('buildWebhookPayload', () => {
  it('matches the golden payload (firing and resolved)', () => {
    expect(buildWebhookPayload(notification())).toEqual(golden('webhook'));
    expect(buildWebhookPayload(resolvedNotification())).toEqual(golden('webhook', 'resolved'));
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
    expect(bytes(huge)).toBeLessThanOrEqual(LIMITS.body.max);
    expect(huge.alerts.length).toBeGreaterThan(0);
    expect(huge.alerts.length + huge.truncatedAlerts).toBe(80);
    // The cap is tight: one more alert would not have fitted.
    const more = { ...huge, alerts: hugeNotification().alerts.slice(0, huge.alerts.length + 1) };
    expect(bytes(more)).toBeGreaterThan(LIMITS.body.max);
    for (const cap of [4096, 20_000, 500_000]) {
      const p = buildWebhookPayload(hugeNotification(), cap);
      expect(bytes(p)).toBeLessThanOrEqual(cap);
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
  const server = useCaptureServer({ status: 204 });

  it('sends the documented headers and a signature that verifies on the captured raw body', async () => {
    const { channel } = await channelFor(server.url);
    await channel.send(hugeNotification(), ctx());
    const req = server.requests[0]!;
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
    expect(bytes(req.body)).toBeLessThanOrEqual(LIMITS.body.max);
    const body = req.json as WebhookPayload;
    expect(body).toMatchObject({ version: '1', id: hugeNotification().id, receiver: 'oncall', kind: 'trigger', status: 'firing' });
    expect(body.alerts.length + body.truncatedAlerts).toBe(80);
  });

  it('honours a configured body cap', async () => {
    const { channel } = await channelFor(server.url, { maxBodyBytes: 8_192 });
    await channel.send(hugeNotification(), ctx());
    const req = server.requests.at(-1)!;
    expect(bytes(req.body)).toBeLessThanOrEqual(8_192);
    expect((req.json as WebhookPayload).truncatedAlerts).toBe(80);
  });

  it('config refuses to override reserved headers', () => {
    for (const h of ['Content-Type', 'user-agent', 'X-Pooler-Watch-Signature', 'Host']) {
      expect(() => WebhookConfig.parse({ type: 'webhook', url: { env: 'U' }, secret: { env: 'S' }, headers: { [h]: 'x' } })).toThrow();
    }
    expect(() => WebhookConfig.parse({ type: 'webhook', url: { env: 'U' }, secret: { env: 'S' }, maxBodyBytes: 100 })).toThrow();
  });

  classifiesStatuses({
    channel: 'webhook',
    makeChannel: async (url, timeoutMs) => (await channelFor(url, { timeoutMs })).channel,
    respond: (status) => ({ body: status === 429 ? 'slow down' : 'x' }),
    retryAfterSeconds: 12,
    timeoutMs: 150,
  });

  it('never leaks the URL token, the HMAC secret or a secret header into errors or the payload', async () => {
    const { channel, deps } = await channelFor(server.url);
    for (const status of [401, 500]) {
      server.script({ status, body: `${URL_TOKEN} ${HMAC_SECRET} ${AUTH_SECRET}` });
      expectNoSecret(await failure(channel.send(notification(), ctx())), [URL_TOKEN, HMAC_SECRET, AUTH_SECRET]);
    }
    const last = deps.calls.at(-1)!;
    expectNoSecret(last.body, [URL_TOKEN, HMAC_SECRET, AUTH_SECRET]);
    expectNoSecret(last, [URL_TOKEN, HMAC_SECRET, AUTH_SECRET]);
    // Only where the receiver requires them: the URL and the configured auth header. The HMAC secret never travels.
    const req = server.requests.at(-1)!;
    expect(req.path).toContain(URL_TOKEN);
    expect(req.headers.authorization).toBe(AUTH_SECRET);
    expect(JSON.stringify(req.headers) + req.body + req.path).not.toContain(HMAC_SECRET);
  });
});
