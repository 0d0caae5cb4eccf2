import { describe, expect, it } from 'vitest';
import {
  buildGoogleChatPayload,
  createGoogleChatChannel,
  GoogleChatConfig,
  LIMITS,
  type GoogleChatPayload,
} from '../../functions/channels/google-chat.ts';
import { bytes, chars, classifiesStatuses, expectNoSecret, failure, golden, makeDeps, sendCtx as ctx, useCaptureServer } from '../helpers/channel-contract.ts';
import { alertItem, hugeNotification, notification, resolvedNotification } from '../helpers/notifications.ts';

const KEY = 'AIzaSy-GCHAT-KEY-0123456789';
const TOKEN = 'gchat-TOKEN-abcdef987654';

async function channelFor(baseUrl: string, extra: Partial<GoogleChatConfig> = {}) {
  const config = GoogleChatConfig.parse({ type: 'google-chat', webhookUrl: { env: 'GCHAT_URL' }, ...extra });
  const deps = makeDeps({ GCHAT_URL: `${baseUrl}/v1/spaces/AAAAbCdEfG/messages?key=${KEY}&token=${TOKEN}` });
  return { channel: await createGoogleChatChannel('team-chat', config, deps), deps };
}
const widgetsOf = (p: GoogleChatPayload) => p.cardsV2.flatMap((c) => c.card.sections.flatMap((s) => s.widgets));
/** Every string a card renders as HTML: section headers, paragraphs, decorated texts and labels. */
function htmlStrings(p: GoogleChatPayload): string[] {
  const out: string[] = [];
  for (const s of p.cardsV2[0]!.card.sections) {
    out.push(s.header);
    for (const w of s.widgets) {
      const tp = w.textParagraph as { text: string } | undefined;
      const dt = w.decoratedText as { text: string; topLabel?: string; bottomLabel?: string } | undefined;
      if (tp) out.push(tp.text);
      if (dt) out.push(dt.text, dt.topLabel ?? '', dt.bottomLabel ?? '');
    }
  }
  return out;
}

function assertLimits(p: GoogleChatPayload): void {
  expect(bytes(p)).toBeLessThanOrEqual(LIMITS.messageBytes.max);
  for (const c of p.cardsV2) expect(c.card.sections.reduce((n, s) => n + s.widgets.length, 0)).toBeLessThanOrEqual(LIMITS.widgetsPerCard.max);
  if (p.thread) expect(chars(p.thread.threadKey)).toBeLessThanOrEqual(LIMITS.threadKey.max);
}

describe('buildGoogleChatPayload', () => {
  it('matches the golden payload (firing and resolved)', () => {
    expect(buildGoogleChatPayload(notification())).toEqual(golden('google-chat'));
    expect(buildGoogleChatPayload(resolvedNotification())).toEqual(golden('google-chat', 'resolved'));
  });

  it('threads by group key so the resolve lands under its trigger', () => {
    const firing = buildGoogleChatPayload(notification(), { threadByAlert: true });
    const resolved = buildGoogleChatPayload(resolvedNotification(), { threadByAlert: true });
    expect(firing.thread).toEqual({ threadKey: 'rule=time-to-oom,pod=codex-pooler-app-0' });
    expect(resolved.thread).toEqual(firing.thread);
    expect(buildGoogleChatPayload(notification()).thread).toBeUndefined();
    const long = buildGoogleChatPayload(notification({ groupKey: 'k'.repeat(5_000) }), { threadByAlert: true });
    expect(long.thread!.threadKey).toMatch(/^[0-9a-f]{64}$/);
  });

  it('escapes HTML in alert text and neutralises mentions in plain text', () => {
    const evil = alertItem({
      title: '<a href="https://evil.example">click</a>',
      summary: '<font color="#ff0000">pwned</font> & <users/all>',
      hint: '<b>bold</b><script>x</script>',
      evidence: [{ name: '<i>k</i>', value: '<br>v' }],
      promql: 'up{job="<x>"}',
    });
    const p = buildGoogleChatPayload(notification({ title: '<users/all> ping' }, [evil]));
    for (const s of htmlStrings(p)) {
      expect(s).not.toMatch(/<(a|font|script|users)\b/);
      expect(s.replace(/<\/?(b|i)>|<br>/g, '')).not.toMatch(/[<>]/);
    }
    const all = htmlStrings(p).join('\n');
    expect(all).toContain('&lt;a href="https://evil.example"&gt;click&lt;/a&gt;');
    expect(all).toContain('&lt;font color="#ff0000"&gt;pwned&lt;/font&gt; &amp; &lt;users/all&gt;');
    expect(p.text).not.toContain('<users/all>');
    expect(p.cardsV2[0]!.card.header.title).not.toContain('<users/all>');
  });

  it('pages (@all) only for critical firing alerts when configured, and marks tests', () => {
    expect(buildGoogleChatPayload(notification(), { mentionAllOnCritical: true }).text.startsWith('<users/all> ')).toBe(true);
    expect(buildGoogleChatPayload(resolvedNotification(), { mentionAllOnCritical: true }).text).not.toContain('<users/all>');
    expect(buildGoogleChatPayload(notification()).text).not.toContain('<users/all>');
    const test = buildGoogleChatPayload(notification({ kind: 'test' }), { mentionAllOnCritical: true });
    expect(test.text).toContain('TEST');
    expect(test.text).not.toContain('<users/all>');
    expect(test.cardsV2[0]!.card.header.title).toContain('[TEST]');
  });

  it('renders links as openLink buttons', () => {
    const buttons = widgetsOf(buildGoogleChatPayload(notification())).find((w) => w.buttonList)!.buttonList as { buttons: unknown[] };
    expect(buttons.buttons).toEqual([
      { text: 'Runbook', onClick: { openLink: { url: 'https://docs.example.com/operators/monitoring#memory' } } },
      { text: 'Dashboard', onClick: { openLink: { url: 'https://grafana.example.com/d/codex-pooler-runtime-triage' } } },
    ]);
  });

  it('huge notifications fit 32,000 bytes and 100 widgets, with an "…and N more" note', () => {
    const p = buildGoogleChatPayload(hugeNotification(), { threadByAlert: true });
    assertLimits(p);
    const sections = p.cardsV2[0]!.card.sections;
    const shown = sections.length - 1;
    expect(shown).toBeGreaterThan(0);
    expect(JSON.stringify(sections.at(-1))).toContain(`…and ${80 - shown} more alerts not shown`);
    for (const count of [1, 2, 5, 12]) assertLimits(buildGoogleChatPayload(hugeNotification(count)));
    // Multi-byte text counts in bytes, not characters.
    const wide = alertItem({ summary: '内存'.repeat(6_000), promql: 'é'.repeat(9_000) });
    assertLimits(buildGoogleChatPayload(notification({}, [wide, wide, wide])));
  });
});

describe('Google Chat channel over HTTP', () => {
  const server = useCaptureServer({ status: 200, body: { name: 'spaces/AAAAbCdEfG/messages/m1', thread: { name: 'spaces/AAAAbCdEfG/threads/t1' } } });

  it('POSTs the card message with key/token kept and the reply option when threading', async () => {
    const { channel } = await channelFor(server.url, { threadByAlert: true });
    const receipt = await channel.send(hugeNotification(), ctx());
    expect(receipt).toEqual({ messageName: 'spaces/AAAAbCdEfG/messages/m1', threadName: 'spaces/AAAAbCdEfG/threads/t1' });
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    const url = new URL(req.path, server.url);
    expect(url.pathname).toBe('/v1/spaces/AAAAbCdEfG/messages');
    expect(url.searchParams.get('key')).toBe(KEY);
    expect(url.searchParams.get('token')).toBe(TOKEN);
    expect(url.searchParams.get('messageReplyOption')).toBe('REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
    expect(req.headers['content-type']).toMatch(/^application\/json/);
    expect(Buffer.byteLength(req.body, 'utf8')).toBeLessThanOrEqual(LIMITS.messageBytes.max);
    const body = req.json as GoogleChatPayload;
    expect(body.text.length).toBeGreaterThan(0);
    expect(body.cardsV2[0]!.card.header.title.length).toBeGreaterThan(0);
    expect(body.thread).toEqual({ threadKey: hugeNotification().groupKey });
    assertLimits(body);
  });

  it('does not add a reply option when not threading', async () => {
    const { channel } = await channelFor(server.url);
    await channel.send(notification(), ctx());
    expect(new URL(server.requests.at(-1)!.path, server.url).searchParams.has('messageReplyOption')).toBe(false);
  });

  classifiesStatuses({
    channel: 'google-chat',
    makeChannel: async (url) => (await channelFor(url)).channel,
    respond: (status) =>
      status === 429
        ? { body: { error: { code: 429, status: 'RESOURCE_EXHAUSTED' } } }
        : { body: status < 300 ? { name: 'spaces/x/messages/y' } : { error: { code: status, status: 'INVALID_ARGUMENT' } } },
    retryAfterSeconds: 7,
    timeoutMs: 150,
    timeoutVia: 'ctx',
  });

  it('never leaks the webhook key or token into errors or the payload', async () => {
    const { channel, deps } = await channelFor(server.url, { threadByAlert: true });
    for (const status of [400, 403, 503]) {
      server.script({ status, body: `invalid key=${KEY}&token=${TOKEN}` });
      expectNoSecret(await failure(channel.send(notification(), ctx())), [KEY, TOKEN]);
    }
    const last = deps.calls.at(-1)!;
    expectNoSecret(last.body, [KEY, TOKEN]);
    expectNoSecret(last, [KEY, TOKEN]);
    expect(server.requests.at(-1)!.path).toContain(TOKEN);
  });
});
