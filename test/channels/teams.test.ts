import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChannelDeps, SendContext } from '../../functions/channels/channel.ts';
import { buildTeamsPayload, createTeamsChannel, LIMITS, TeamsConfig, type TeamsPayload } from '../../functions/channels/teams.ts';
import { ChannelError } from '../../functions/platform/errors.ts';
import { sendHttp } from '../../functions/platform/http.ts';
import { resolveSecret } from '../../functions/platform/secrets.ts';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts';
import { alertItem, hugeNotification, notification, resolvedNotification } from '../helpers/notifications.ts';

const golden = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/channels/${name}`, import.meta.url), 'utf8'));
const bytes = (v: unknown) => Buffer.byteLength(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');
const ctx = (over: Partial<SendContext> = {}): SendContext => ({ signal: new AbortController().signal, timeoutMs: 5_000, ...over });
const SIG = 'SiGnAtUrEsEcReT0123456789abcdef';
const HOOK_PATH = `/workflows/0f1e2d3c/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=${SIG}`;

type Card = TeamsPayload['attachments'][number]['content'];
const card = (p: TeamsPayload): Card => p.attachments[0]!.content;
const deps = (env: Record<string, string>): ChannelDeps => ({ resolveSecret: (ref) => resolveSecret(ref, env), http: sendHttp, now: () => Date.now() });

let server: CaptureServer;
beforeAll(async () => {
  server = await startCaptureServer({ status: 202, body: '' });
});
afterAll(() => server.close());

const teams = (url = server.url + HOOK_PATH, timeoutMs?: number) =>
  createTeamsChannel('ops', TeamsConfig.parse({ type: 'teams', webhookUrl: { env: 'TEAMS_URL' }, timeoutMs }), deps({ TEAMS_URL: url }));

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

describe('buildTeamsPayload', () => {
  it('matches the golden payloads (firing and resolved)', () => {
    expect(buildTeamsPayload(notification())).toEqual(golden('teams.golden.json'));
    expect(buildTeamsPayload(resolvedNotification())).toEqual(golden('teams-resolved.golden.json'));
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
    [429, { retryable: true, retryAfterMs: 12_000 }],
    [500, { retryable: true }],
    [502, { retryable: true }],
    [503, { retryable: true }],
  ])('HTTP %i → %j', async (status, expected) => {
    const channel = await teams();
    server.script({ status, body: status >= 300 ? { error: { code: 'x', message: 'nope' } } : '', headers: status === 429 ? { 'Retry-After': '12' } : {} });
    expect(await outcome(channel.send(notification(), ctx()))).toEqual(expected);
  });

  it('network error (closed port) and timeout are retryable', async () => {
    const closed = await startCaptureServer();
    const url = closed.url + HOOK_PATH;
    await closed.close();
    expect(await outcome((await teams(url)).send(notification(), ctx()))).toEqual({ retryable: true });
    server.script({ status: 202, body: '', delayMs: 1_000 });
    const err = await (await teams(undefined, 100)).send(notification(), ctx()).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: true, reason: 'timeout' });
  });

  it('a legacy connector error inside a 200 becomes a ChannelError', async () => {
    const channel = await teams();
    server.script({ status: 200, body: 'Webhook message delivery failed with error: Microsoft Teams endpoint returned HTTP error 429' });
    expect(await outcome(channel.send(notification(), ctx()))).toEqual({ retryable: true });
  });

  it('the request carries the Adaptive Card envelope as JSON and stays within 28 KB', async () => {
    const channel = await teams();
    server.requests.length = 0;
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
    server.requests.length = 0;
    server.script({ status: 401, body: `bad sig ${SIG}` }, { status: 500, body: { url: server.url + HOOK_PATH } }, { status: 200, body: `returned HTTP error 413 for ${HOOK_PATH}` });
    const errors = [];
    for (let i = 0; i < 3; i++) errors.push(await channel.send(notification(), ctx()).catch((e: unknown) => e));
    const closed = await startCaptureServer();
    await closed.close();
    errors.push(await (await teams(closed.url + HOOK_PATH)).send(notification(), ctx()).catch((e: unknown) => e));
    for (const err of errors) {
      expect(err).toBeInstanceOf(ChannelError);
      for (const text of [(err as Error).message, JSON.stringify(err), String(err), inspect(err, { depth: 5 })]) {
        expect(text).not.toContain(SIG);
        expect(text).not.toContain('/workflows/');
      }
    }
    for (const req of server.requests) expect(req.body).not.toContain(SIG);
    expect(server.requests[0]!.path).toContain(SIG); // only in the URL, where Power Automate requires it
  });
});
