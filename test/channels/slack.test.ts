import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelDeps, SendContext } from '../../functions/channels/channel.ts';
import { buildSlackPayload, createSlackChannel, LIMITS, SlackConfig, type SlackPayload } from '../../functions/channels/slack.ts';
import { ChannelError } from '../../functions/platform/errors.ts';
import { sendHttp } from '../../functions/platform/http.ts';
import { resolveSecret } from '../../functions/platform/secrets.ts';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts';
import { alertItem, hugeNotification, notification, resolvedNotification } from '../helpers/notifications.ts';

const golden = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/channels/${name}`, import.meta.url), 'utf8'));
const chars = (s: string) => Array.from(s).length;
const ctx = (over: Partial<SendContext> = {}): SendContext => ({ signal: new AbortController().signal, timeoutMs: 5_000, ...over });
const TOKEN = 'xoxb-1111-2222-SeCrEtBoTtOkEn';
const HOOK_PATH = '/services/T0000SECRET/B0000SECRET/WeBhOoKsEcReTpAtH';

function deps(env: Record<string, string>): ChannelDeps {
  return { resolveSecret: (ref) => resolveSecret(ref, env), http: sendHttp, now: () => Date.now() };
}

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer();
});
afterAll(() => server.close());

const webhookChannel = (url = server.url + HOOK_PATH, timeoutMs?: number) =>
  createSlackChannel('chat', SlackConfig.parse({ type: 'slack', webhookUrl: { env: 'HOOK' }, timeoutMs }), deps({ HOOK: url }));
const botChannel = () =>
  createSlackChannel('chat', SlackConfig.parse({ type: 'slack', botToken: { env: 'TOK' }, channel: '#oncall', baseUrl: server.url }), deps({ TOK: TOKEN }));

async function outcome(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelError);
    const e = err as ChannelError;
    return { retryable: e.retryable, ...(e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs }) };
  }
}

function checkLimits(p: SlackPayload): void {
  expect(p.blocks.length).toBeLessThanOrEqual(LIMITS.blocks.max);
  expect(chars(p.text)).toBeLessThanOrEqual(LIMITS.textRecommended.max);
  for (const b of p.blocks) {
    if (b.type === 'header') expect(chars(b.text.text)).toBeLessThanOrEqual(LIMITS.headerText.max);
    if (b.type === 'section') {
      expect(chars(b.text.text)).toBeLessThanOrEqual(LIMITS.sectionText.max);
      expect((b.fields ?? []).length).toBeLessThanOrEqual(LIMITS.sectionFields.max);
      for (const f of b.fields ?? []) expect(chars(f.text)).toBeLessThanOrEqual(LIMITS.fieldText.max);
    }
    if (b.type === 'context') {
      expect(b.elements.length).toBeLessThanOrEqual(LIMITS.contextElements.max);
      for (const e of b.elements) expect(chars(e.text)).toBeLessThanOrEqual(LIMITS.textObject.max);
    }
    if (b.type === 'actions') {
      expect(b.elements.length).toBeLessThanOrEqual(LIMITS.actionsElements.max);
      for (const e of b.elements) {
        expect(chars(e.text.text)).toBeLessThanOrEqual(LIMITS.buttonText.max);
        expect(chars(e.url)).toBeLessThanOrEqual(LIMITS.buttonUrl.max);
      }
    }
  }
}

describe('buildSlackPayload', () => {
  it('matches the golden payloads (firing, and a resolve threaded under the firing message)', () => {
    expect(buildSlackPayload(notification())).toEqual(golden('slack.golden.json'));
    const resolved = buildSlackPayload(resolvedNotification(), { channel: 'C0123ABCD', threadTs: '1764000000.000100' });
    expect(resolved).toEqual(golden('slack-resolved.golden.json'));
    expect(JSON.stringify(resolved)).toContain('Resolved');
  });

  it('keeps every documented limit with huge input, and says how many alerts it left out', () => {
    const p = buildSlackPayload(hugeNotification());
    checkLimits(p);
    expect(JSON.stringify(p.blocks.at(-2))).toMatch(/…and \d+ more alerts not shown/);
    const section = p.blocks.find((b) => b.type === 'section' && b.text.text.includes('Next step'));
    expect(section?.type === 'section' && section.text.text.endsWith('```')).toBe(true); // the code fence survives
  });

  it('drops links too long for a button instead of cutting them, and truncates long button text', () => {
    const a = alertItem({ links: [{ title: 'x'.repeat(200), url: `https://e.example/${'y'.repeat(3100)}` }, { title: 't'.repeat(100), url: 'https://ok.example/' }] });
    const p = buildSlackPayload(notification({}, [a]));
    checkLimits(p);
    const actions = p.blocks.find((b) => b.type === 'actions');
    expect(actions?.type === 'actions' && actions.elements.map((e) => e.url)).toEqual(['https://ok.example/']);
  });

  it('marks wiring tests and escapes mrkdwn control characters (no smuggled <!channel>)', () => {
    const p = buildSlackPayload(notification({ kind: 'test', title: 'pooler-watch wiring test' }, [alertItem({ summary: 'hey <!channel> & <https://evil.example|click>' })]));
    const json = JSON.stringify(p);
    expect(json).toContain('[TEST]');
    expect(json).toContain('test notification');
    expect(json).not.toContain('<!channel>');
    expect(json).toContain('&lt;!channel&gt; &amp;');
  });

  it('config: exactly one mode; the bot mode needs a channel', () => {
    expect(() => SlackConfig.parse({ type: 'slack' })).toThrow();
    expect(() => SlackConfig.parse({ type: 'slack', webhookUrl: { env: 'A' }, botToken: { env: 'B' }, channel: 'c' })).toThrow();
    expect(() => SlackConfig.parse({ type: 'slack', botToken: { env: 'B' } })).toThrow();
    expect(() => SlackConfig.parse({ type: 'slack', webhookUrl: { env: 'A' }, extra: 1 })).toThrow();
    expect(SlackConfig.parse({ type: 'slack', botToken: { env: 'B' }, channel: 'c' }).baseUrl).toBe('https://slack.com');
  });
});

describe('Slack over HTTP (capture server on 127.0.0.1)', () => {
  it.each([
    [200, 'ok'],
    [201, 'ok'],
    [202, 'ok'],
    [204, 'ok'],
    [400, { retryable: false }],
    [401, { retryable: false }],
    [403, { retryable: false }],
    [404, { retryable: false }],
    [408, { retryable: true }],
    [413, { retryable: false }],
    [429, { retryable: true, retryAfterMs: 7000 }],
    [500, { retryable: true }],
    [502, { retryable: true }],
    [503, { retryable: true }],
  ])('webhook: HTTP %i → %j', async (status, expected) => {
    const channel = await webhookChannel();
    server.script({ status, body: status < 300 ? 'ok' : 'invalid_payload', headers: status === 429 ? { 'Retry-After': '7' } : {} });
    expect(await outcome(channel.send(notification(), ctx()))).toEqual(expected);
  });

  it('webhook: network error (closed port) and timeout are retryable', async () => {
    const closed = await startCaptureServer();
    const url = closed.url + HOOK_PATH;
    await closed.close();
    expect(await outcome((await webhookChannel(url)).send(notification(), ctx()))).toEqual({ retryable: true });
    server.script({ status: 200, body: 'ok', delayMs: 1_000 });
    const err = await (await webhookChannel(undefined, 100)).send(notification(), ctx()).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: true, reason: 'timeout' });
  });

  it('webhook: the request has the blocks, JSON content type, and respects the limits', async () => {
    const channel = await webhookChannel();
    server.requests.length = 0;
    await channel.send(hugeNotification(), ctx());
    const req = server.requests[0]!;
    expect(req.path).toBe(HOOK_PATH);
    expect(req.headers['content-type']).toMatch(/^application\/json/);
    const body = req.json as SlackPayload;
    expect(body.text).toBeTruthy();
    expect(body.channel).toBeUndefined();
    checkLimits(body);
  });

  it('bot: posts to chat.postMessage with Bearer auth, returns {channel, ts}, threads the resolve under it', async () => {
    const channel = await botChannel();
    server.requests.length = 0;
    server.script({ status: 200, body: { ok: true, channel: 'C0123ABCD', ts: '1764000000.000100' } }, { status: 200, body: { ok: true, channel: 'C0123ABCD', ts: '1764000099.000200' } });
    const receipt = await channel.send(notification(), ctx());
    expect(receipt).toEqual({ channel: 'C0123ABCD', ts: '1764000000.000100' });
    await channel.send(resolvedNotification(), ctx({ previous: receipt! }));
    const [fire, resolve] = server.requests;
    expect(fire!.path).toBe('/api/chat.postMessage');
    expect(fire!.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(fire!.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(fire!.json).toMatchObject({ channel: '#oncall', text: expect.any(String), blocks: expect.any(Array) });
    expect(fire!.json).not.toHaveProperty('thread_ts');
    expect(resolve!.json).toMatchObject({ channel: 'C0123ABCD', thread_ts: '1764000000.000100', reply_broadcast: false });
  });

  it.each([
    ['ratelimited', { retryable: true, retryAfterMs: 3000 }],
    ['internal_error', { retryable: true }],
    ['fatal_error', { retryable: true }],
    ['service_unavailable', { retryable: true }],
    ['request_timeout', { retryable: true }],
    ['invalid_auth', { retryable: false }],
    ['not_authed', { retryable: false }],
    ['channel_not_found', { retryable: false }],
    ['invalid_blocks', { retryable: false }],
  ])('bot: 200 {ok:false, error:%s} → %j', async (code, expected) => {
    const channel = await botChannel();
    server.script({ status: 200, body: { ok: false, error: code }, headers: code === 'ratelimited' ? { 'Retry-After': '3' } : {} });
    const err = await channel.send(notification(), ctx()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelError);
    expect(await outcome(Promise.reject(err))).toEqual(expected);
    expect((err as ChannelError).reason).toBe(code);
  });

  it('bot: HTTP 429 with Retry-After is honoured; a non-Slack 2xx body is not retried', async () => {
    const channel = await botChannel();
    server.script({ status: 429, body: { ok: false, error: 'ratelimited' }, headers: { 'Retry-After': '30' } });
    expect(await outcome(channel.send(notification(), ctx()))).toEqual({ retryable: true, retryAfterMs: 30_000 });
    server.script({ status: 200, body: '<html>proxy</html>' });
    expect(await outcome(channel.send(notification(), ctx()))).toEqual({ retryable: false });
  });

  it('never leaks the webhook URL or the bot token into errors or payloads', async () => {
    const hook = await webhookChannel();
    const bot = await botChannel();
    server.requests.length = 0;
    server.script(
      { status: 500, body: `boom ${HOOK_PATH}` },
      { status: 403, body: 'action_prohibited' },
      { status: 200, body: { ok: false, error: `invalid_auth ${TOKEN}` } },
      { status: 401, body: { ok: false, error: 'invalid_auth' } },
    );
    const errors = [
      await hook.send(notification(), ctx()).catch((e: unknown) => e),
      await hook.send(notification(), ctx()).catch((e: unknown) => e),
      await bot.send(notification(), ctx()).catch((e: unknown) => e),
      await bot.send(notification(), ctx()).catch((e: unknown) => e),
    ];
    const secrets = ['WeBhOoKsEcReT', 'T0000SECRET', 'SeCrEtBoTtOkEn'];
    for (const err of errors) {
      expect(err).toBeInstanceOf(ChannelError);
      for (const text of [(err as Error).message, JSON.stringify(err), String(err), inspect(err, { depth: 5 })]) {
        for (const s of secrets) expect(text).not.toContain(s);
      }
    }
    expect((errors[2] as ChannelError).reason).toBe('unknown_error');
    for (const req of server.requests) for (const s of secrets) expect(req.body).not.toContain(s);
    // Only where Slack requires it: the webhook path and the Authorization header.
    expect(server.requests[0]!.path).toBe(HOOK_PATH);
    expect(server.requests[2]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });
});
