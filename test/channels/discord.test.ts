import { describe, expect, it } from 'vitest';
import { buildDiscordPayload, createDiscordChannel, DiscordConfig, embedChars, LIMITS } from '../../functions/channels/discord.ts';
import { chars, classifiesStatuses, expectNoSecret, failure, golden, makeDeps, sendCtx as ctx, useCaptureServer } from '../helpers/channel-contract.ts';
import { alertItem, hugeNotification, notification, resolvedNotification } from '../helpers/notifications.ts';

const TOKEN = 'tOkEn-DISCORD-9f8e7d6c5b4a-secret';

async function channelFor(baseUrl: string, extra: Partial<DiscordConfig> = {}) {
  const config = DiscordConfig.parse({ type: 'discord', webhookUrl: { env: 'DISCORD_URL' }, ...extra });
  const deps = makeDeps({ DISCORD_URL: `${baseUrl}/api/webhooks/123456789012345678/${TOKEN}` });
  return { channel: await createDiscordChannel('team-chat', config, deps), deps };
}

function assertLimits(p: ReturnType<typeof buildDiscordPayload>): void {
  expect(chars(p.content)).toBeLessThanOrEqual(LIMITS.content.max);
  expect(p.embeds.length).toBeLessThanOrEqual(LIMITS.embeds.max);
  for (const e of p.embeds) {
    expect(chars(e.title)).toBeLessThanOrEqual(LIMITS.title.max);
    expect(chars(e.description ?? '')).toBeLessThanOrEqual(LIMITS.description.max);
    expect(e.fields.length).toBeLessThanOrEqual(LIMITS.fields.max);
    for (const f of e.fields) {
      expect(chars(f.name)).toBeLessThanOrEqual(LIMITS.fieldName.max);
      expect(chars(f.value)).toBeLessThanOrEqual(LIMITS.fieldValue.max);
      expect(f.value.length).toBeGreaterThan(0);
    }
    expect(chars(e.footer.text)).toBeLessThanOrEqual(LIMITS.footer.max);
    // A cut PromQL block must stay closed.
    expect(((e.description ?? '').match(/```/g) ?? []).length % 2).toBe(0);
  }
  expect(p.embeds.reduce((n, e) => n + embedChars(e), 0)).toBeLessThanOrEqual(LIMITS.total.max);
}

describe('buildDiscordPayload', () => {
  it('matches the golden payload (firing and resolved)', () => {
    expect(buildDiscordPayload(notification())).toEqual(golden('discord'));
    expect(buildDiscordPayload(resolvedNotification())).toEqual(golden('discord', 'resolved'));
  });

  it('colours by severity and renders resolves green', () => {
    const colour = (sev: 'critical' | 'warning' | 'info') => buildDiscordPayload(notification({}, [alertItem({ severity: sev })])).embeds[0]!.color;
    expect([colour('critical'), colour('warning'), colour('info')]).toEqual([0xd92d20, 0xf79009, 0x98a2b3]);
    expect(buildDiscordPayload(resolvedNotification()).embeds[0]!.color).toBe(0x12b76a);
    expect(buildDiscordPayload(resolvedNotification()).embeds[0]!.timestamp).toBe('2026-11-24T11:56:00.000Z');
  });

  it('pages only critical firing alerts, and only the configured role; info posts silently', () => {
    const role = '112233445566778899';
    const critical = buildDiscordPayload(notification(), { mentionRoleId: role });
    expect(critical.content.startsWith(`<@&${role}> `)).toBe(true);
    expect(critical.allowed_mentions).toEqual({ parse: [], roles: [role] });
    expect(buildDiscordPayload(resolvedNotification(), { mentionRoleId: role }).allowed_mentions).toEqual({ parse: [] });
    const info = buildDiscordPayload(notification({}, [alertItem({ severity: 'info' })]));
    expect(info.flags).toBe(4096);
    expect(buildDiscordPayload(notification()).flags).toBeUndefined();
  });

  it('marks a wiring test clearly and never pages for it', () => {
    const p = buildDiscordPayload(notification({ kind: 'test' }), { mentionRoleId: '112233445566778899' });
    expect(p.content).toContain('Test notification');
    expect(p.content).not.toContain('<@&');
    expect(p.embeds[0]!.title.startsWith('TEST · ')).toBe(true);
  });

  it('alert text cannot mention, link or format', () => {
    const evil = alertItem({ summary: '@everyone see [this](https://evil.example) **now** <@&123>', title: 'x @here' });
    const p = buildDiscordPayload(notification({ title: '@everyone [x](https://evil.example)' }, [evil]));
    expect(p.allowed_mentions.parse).toEqual([]);
    expect(p.embeds[0]!.description).toContain('\\[this\\](https://evil.example)');
    expect(p.embeds[0]!.description).toContain('\\*\\*now\\*\\*');
    expect(p.embeds[0]!.description).toContain('\\<@&123\\>');
    expect(p.content).toContain('\\[x\\]');
  });

  it('huge notifications respect every documented limit: shrink, then drop embeds with "…and N more"', () => {
    const p = buildDiscordPayload(hugeNotification());
    assertLimits(p);
    expect(p.embeds).toHaveLength(10);
    expect(p.content).toContain('…and 70 more alerts not shown');
    for (const count of [1, 2, 3, 7, 11]) assertLimits(buildDiscordPayload(hugeNotification(count)));
    // One huge alert gets the whole budget: the description is cut at exactly the limits.
    const one = buildDiscordPayload(hugeNotification(1));
    expect(embedChars(one.embeds[0]!)).toBeGreaterThan(5_000);
    expect(chars(one.embeds[0]!.title)).toBe(LIMITS.title.max);
  });
});

describe('Discord channel over HTTP', () => {
  const server = useCaptureServer({ status: 200, body: { id: '998877665544332211', channel_id: '1' } });

  it('POSTs the execute-webhook body to the webhook URL with wait=true, as JSON', async () => {
    const { channel } = await channelFor(server.url, { username: 'pooler-watch' });
    const receipt = await channel.send(hugeNotification(), ctx());
    const req = server.requests[0]!;
    expect(receipt).toEqual({ messageId: '998877665544332211' });
    expect(req.method).toBe('POST');
    expect(req.path).toBe(`/api/webhooks/123456789012345678/${TOKEN}?wait=true`);
    expect(req.headers['content-type']).toMatch(/^application\/json/);
    const body = req.json as ReturnType<typeof buildDiscordPayload>;
    expect(body.username).toBe('pooler-watch');
    expect(body.allowed_mentions).toEqual({ parse: [] });
    expect(typeof body.content).toBe('string');
    assertLimits(body);
  });

  classifiesStatuses({
    channel: 'discord',
    makeChannel: async (url, timeoutMs) => (await channelFor(url, { timeoutMs })).channel,
    respond: (status) =>
      status === 429
        ? { headers: { 'x-ratelimit-scope': 'shared' }, body: { message: 'You are being rate limited.', retry_after: 2.5, global: false } }
        : { body: status < 300 ? { id: '1' } : { message: 'error', code: 50035 } },
    // The Retry-After header (whole seconds, never shorter than the JSON retry_after) is honoured.
    retryAfterSeconds: 3,
    timeoutMs: 150,
  });

  it('never leaks the webhook token into errors or the payload', async () => {
    const { channel, deps } = await channelFor(server.url);
    for (const status of [400, 404, 500]) {
      server.script({ status, body: `bad webhook ${TOKEN}` });
      expectNoSecret(await failure(channel.send(notification(), ctx())), TOKEN);
    }
    const last = deps.calls.at(-1)!;
    expectNoSecret(last.body, TOKEN);
    expect(String(last.url)).toBe('<secret>');
    expectNoSecret(last, TOKEN);
    // Only where Discord requires it: the URL path.
    expect(server.requests.at(-1)!.path).toContain(TOKEN);
  });

  it('rejects a malformed webhook URL without echoing it', async () => {
    const deps = makeDeps({ DISCORD_URL: `not a url ${TOKEN}` });
    const config = DiscordConfig.parse({ type: 'discord', webhookUrl: { env: 'DISCORD_URL' } });
    const err = await createDiscordChannel('x', config, deps).catch((e: unknown) => e);
    expect((err as Error).name).toBe('ConfigError');
    expect(String(err)).not.toContain(TOKEN);
  });
});
