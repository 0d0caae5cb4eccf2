import { describe, expect, it } from 'vitest';
import { buildTeamsPayload, createTeamsChannel, LIMITS, TeamsConfig, type TeamsPayload } from '../../functions/channels/teams.ts';
import { bytes, classifiesStatuses, expectNoSecret, failure, golden, makeDeps, outcome, sendCtx as ctx, useCaptureServer } from '../helpers/channel-contract.ts';
import { alertItem, hugeNotification, notification, resolvedNotification } from '../helpers/notifications.ts';

const SIG = 'SiGnAtUrEsEcReT0123456789abcdef';
const HOOK_PATH = `/workflows/0f1e2d3c/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`;

type Card = TeamsPayload['attachments'][number]['content'];
const card = (p: TeamsPayload): Card => p.attachments[0]!.content;

const server = useCaptureServer({ status: 202, body: '' });

const teams = (url = server.url + HOOK_PATH, timeoutMs?: number) =>
  createTeamsChannel('ops', TeamsConfig.parse({ type: 'teams', webhookUrl: { env: 'TEAMS_URL' }, timeoutMs }), makeDeps({ TEAMS_URL: url }));

describe('buildTeamsPayload', () => {
  it('matches the golden payloads (firing and resolved)', () => {
    expect(buildTeamsPayload(notification())).toEqual(golden('teams'));
    expect(buildTeamsPayload(resolvedNotification())).toEqual(golden('teams', 'resolved'));
  });

  it('colours the title by severity (attention, warning, good for resolved) and marks wiring tests', () => {
    const colourOf = (p: TeamsPayload) => card(p).body[0]!.color;
    expect(colourOf(buildTeamsPayload(notification()))).toBe('attention');
    expect(colourOf(buildTeamsPayload(notification({}, [alertItem({ severity: 'warning' })])))).toBe('warning');
    expect(colourOf(buildTeamsPayload(resolvedNotification()))).toBe('good');
    const test = JSON.stringify(buildTeamsPayload(notification({ kind: 'test', title: 'wiring check' })));
    expect(test).toContain('[TEST] wiring check');
    expect(test).toContain('test notification');
  });

  it('keeps the whole body within 28 KB with huge input, and says how many alerts it left out', () => {
    const p = buildTeamsPayload(hugeNotification());
    expect(bytes(p)).toBeLessThanOrEqual(LIMITS.message.max);
    const texts = card(p).body.map((e) => String(e.text ?? ''));
    expect(texts.some((t) => /^…and \d+ more alerts not shown$/.test(t))).toBe(true);
    expect(card(p).body.some((e) => e.type === 'Container')).toBe(true);
  });

  it('fits even when one alert alone is too big (multibyte text, many facts)', () => {
    const big = alertItem({ summary: '💥'.repeat(5000), hint: 'é'.repeat(5000), promql: '∑'.repeat(9000), evidence: Array.from({ length: 200 }, (_, i) => ({ name: `ü${i}`.repeat(50), value: '€'.repeat(900) })) });
    const p = buildTeamsPayload(notification({}, [big]));
    expect(bytes(p)).toBeLessThanOrEqual(LIMITS.message.max);
    expect(JSON.stringify(p)).toContain('more');
  });

  it('config is strict', () => {
    expect(() => TeamsConfig.parse({ type: 'teams', webhookUrl: { env: 'X' }, extra: true })).toThrow();
    expect(() => TeamsConfig.parse({ type: 'teams', webhookUrl: 'https://plain.example' })).toThrow();
  });
});

describe('Teams over HTTP (capture server on 127.0.0.1)', () => {
  classifiesStatuses({
    channel: 'teams',
    makeChannel: (url, timeoutMs) => teams(url + HOOK_PATH, timeoutMs),
    respond: (status) => ({ body: status >= 300 ? { error: { code: 'x', message: 'nope' } } : '' }),
    retryAfterSeconds: 12,
    okStatus: 202,
    timeoutMs: 100,
  });

  it('a legacy connector error inside a 200 becomes a ChannelError', async () => {
    const channel = await teams();
    server.script({ status: 200, body: 'Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429' });
    expect(await outcome(channel.send(notification(), ctx()))).toEqual({ retryable: true });
  });

  it('the request carries the Adaptive Card envelope as JSON and stays within 28 KB', async () => {
    const channel = await teams();
    await channel.send(hugeNotification(), ctx());
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.path).toBe(HOOK_PATH);
    expect(req.headers['content-type']).toMatch(/^application\/json/);
    expect(bytes(req.body)).toBeLessThanOrEqual(LIMITS.message.max);
    const body = req.json as TeamsPayload;
    expect(body.type).toBe('message');
    expect(body.attachments[0]).toMatchObject({ contentType: 'application/vnd.microsoft.card.adaptive', contentUrl: null });
    expect(card(body)).toMatchObject({ type: 'AdaptiveCard', version: '1.4', $schema: 'http://adaptivecards.io/schemas/adaptive-card.json' });
    expect(card(body).actions.every((a) => a.type === 'Action.OpenUrl')).toBe(true);
  });

  it('never leaks the webhook signature into errors or the payload', async () => {
    const channel = await teams();
    server.script({ status: 401, body: `bad sig ${SIG}` }, { status: 500, body: { url: server.url + HOOK_PATH } }, { status: 200, body: `returned HTTP error 413 for ${HOOK_PATH}` });
    const errors = [];
    for (let i = 0; i < 3; i++) errors.push(await failure(channel.send(notification(), ctx())));
    errors.push(await failure((await teams(server.closedUrl + HOOK_PATH)).send(notification(), ctx())));
    for (const err of errors) expectNoSecret(err, [SIG, '/workflows/']);
    for (const req of server.requests) expect(req.body).not.toContain(SIG);
    expect(server.requests[0]!.path).toContain(SIG); // only in the URL, where Power Automate requires it
  });
});
