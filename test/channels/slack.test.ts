import { describe, expect, it } from 'vitest';
import { buildSlackPayload, createSlackChannel, LIMITS, SlackConfig, type SlackPayload } from '../../functions/channels/slack.ts';
import type { ChannelError } from '../../functions/platform/errors.ts';
import { chars, classifiesStatuses, expectNoSecret, failure, golden, makeDeps, outcome, sendCtx as ctx, useCaptureServer } from '../helpers/channel-contract.ts';
import { alertItem, hugeNotification, notification, resolvedNotification } from '../helpers/notifications.ts';

const TOKEN = 'xoxb-1111-2222-SeCrEtBoTtOkEn';
const HOOK_PATH = '/services/T0000SECRET/B0000SECRET/WeBhOoKsEcReTpAtH';

const server = useCaptureServer();

const webhookChannel = (url = server.url + HOOK_PATH, timeoutMs?: number) =>
  createSlackChannel('chat', SlackConfig.parse({ type: 'slack', webhookUrl: { env: 'HOOK' }, timeoutMs }), makeDeps({ HOOK: url }));
const botChannel = () =>
  createSlackChannel('chat', SlackConfig.parse({ type: 'slack', botToken: { env: 'TOK' }, channel: '#oncall', baseUrl: server.url }), makeDeps({ TOK: TOKEN }));

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
    expect(buildSlackPayload(notification())).toEqual(golden('slack'));
    const resolved = buildSlackPayload(resolvedNotification(), { channel: 'C0123ABCD', threadTs: '1764000000.000100' });
    expect(resolved).toEqual(golden('slack', 'resolved'));
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
  classifiesStatuses({
    title: 'webhook: classifies every vendor answer',
    channel: 'slack',
    makeChannel: (url, timeoutMs) => webhookChannel(url + HOOK_PATH, timeoutMs),
    respond: (status) => ({ body: status < 300 ? 'ok' : 'invalid_payload' }),
    retryAfterSeconds: 7,
    timeoutMs: 100,
  });

  it('webhook: the request has the blocks, JSON content type, and respects the limits', async () => {
    const channel = await webhookChannel();
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
    server.script({ status: 200, body: { ok: true, channel: 'C0123ABCD', ts: '1764000000.000100' } }, { status: 200, body: { ok: true, channel: 'C0123ABCD', ts: '1764000099.000200' } });
    const receipt = await channel.send(notification(), ctx());
    expect(receipt).toEqual({ channel: 'C0123ABCD', ts: '1764000000.000100' });
    await channel.send(resolvedNotification(), ctx(5_000, { previous: receipt! }));
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
    const err = await failure(channel.send(notification(), ctx()));
    expect(await outcome(Promise.reject(err))).toEqual(expected);
    expect(err.reason).toBe(code);
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
    server.script(
      { status: 500, body: `boom ${HOOK_PATH}` },
      { status: 403, body: 'action_prohibited' },
      { status: 200, body: { ok: false, error: `invalid_auth ${TOKEN}` } },
      { status: 401, body: { ok: false, error: 'invalid_auth' } },
    );
    const errors: ChannelError[] = [
      await failure(hook.send(notification(), ctx())),
      await failure(hook.send(notification(), ctx())),
      await failure(bot.send(notification(), ctx())),
      await failure(bot.send(notification(), ctx())),
    ];
    const secrets = ['WeBhOoKsEcReT', 'T0000SECRET', 'SeCrEtBoTtOkEn'];
    for (const err of errors) expectNoSecret(err, secrets);
    expect(errors[2]!.reason).toBe('unknown_error');
    for (const req of server.requests) for (const s of secrets) expect(req.body).not.toContain(s);
    // Only where Slack requires it: the webhook path and the Authorization header.
    expect(server.requests[0]!.path).toBe(HOOK_PATH);
    expect(server.requests[2]!.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });
});

/** Every `text` string Slack counts inside the blocks (text objects, fields, context elements, buttons). */
function blockText(v: unknown): number {
  if (Array.isArray(v)) return v.reduce((n: number, x) => n + blockText(x), 0);
  if (v && typeof v === 'object') {
    return Object.entries(v as Record<string, unknown>).reduce((n, [k, x]) => n + (k === 'text' && typeof x === 'string' ? x.length : blockText(x)), 0);
  }
  return 0;
}

// chat.postMessage refuses `msg_blocks_too_long` (not retryable) at ~12,000-13,000 characters of block text in all:
// undocumented (slackapi/bolt-js#2509, #2867); the markdown block's documented cumulative limit is 12,000.
describe('Slack: the message text in all blocks together', () => {
  it('a group of 10 alerts with 2 KB Alertmanager summaries stays under 12,000 characters, the rest summarised', () => {
    const alerts = Array.from({ length: 10 }, (_, i) =>
      alertItem({
        fingerprint: `fp-${i}`,
        pod: `codex-pooler-app-${i}`,
        source: 'alertmanager',
        title: `KubePodMemoryHigh on codex-pooler-app-${i}`,
        summary: `Pod codex-pooler-app-${i} memory is high. `.repeat(60).slice(0, 2048),
      }),
    );
    const p = buildSlackPayload(notification({ title: '[CRITICAL] KubePodMemoryHigh on codex-pooler-app-0 (+9 more)' }, alerts));
    expect(blockText(p.blocks)).toBeLessThanOrEqual(12_000);
    expect(JSON.stringify(p.blocks)).toMatch(/…and \d+ more alerts not shown/);
    expect(JSON.stringify(p.blocks)).toContain('codex-pooler-app-0');
  });

  it('a single alert larger than the budget is still shown, its evidence dropped and its text cut', () => {
    const evidence = Array.from({ length: 10 }, (_, i) => ({ name: `label_${i}`, value: 'v'.repeat(1999) }));
    const p = buildSlackPayload(notification({}, [alertItem({ summary: 's'.repeat(2900), evidence })]));
    expect(blockText(p.blocks)).toBeLessThanOrEqual(12_000);
    expect(JSON.stringify(p.blocks)).toContain('sss');
    expect(JSON.stringify(p.blocks)).not.toMatch(/not shown/);
  });
});
