import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { InvalidParameterException, PublishCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSnsPayload, createSnsChannel, LIMITS, SnsConfig, snsSubject } from '../../functions/channels/sns.ts';
import type { ChannelDeps } from '../../functions/channels/channel.ts';
import { ChannelError } from '../../functions/platform/errors.ts';
import { sendHttp } from '../../functions/platform/http.ts';
import { Secret } from '../../functions/platform/secrets.ts';
import { startCaptureServer } from '../helpers/capture-server.ts';
import type { CaptureServer } from '../helpers/capture-server.ts';
import { serve } from '../helpers/servers.ts';
import { alertItem, hugeNotification, notification, resolvedNotification } from '../helpers/notifications.ts';

const ARN = 'arn:aws:sns:eu-west-1:123456789012:pooler-watch-oncall';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI-K7MDENG-SNS-S3CRET';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: SECRET_ACCESS_KEY };
const golden = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/channels/${name}`, import.meta.url), 'utf8')) as unknown;
const bytes = (s: string) => Buffer.byteLength(s, 'utf8');
const ctx = (timeoutMs = 5_000) => ({ signal: new AbortController().signal, timeoutMs });
const deps: ChannelDeps = {
  resolveSecret: async () => new Secret('unused'),
  http: sendHttp,
  now: () => Date.parse('2026-11-24T12:00:00Z'),
};
const config = (extra: Record<string, unknown> = {}) => SnsConfig.parse({ type: 'sns', topicArn: ARN, region: 'eu-west-1', ...extra });

const PUBLISH_OK = `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/">
  <PublishResult><MessageId>567910cd-659e-55d4-8ccb-5aaf14679dc0</MessageId></PublishResult>
  <ResponseMetadata><RequestId>d74b8436-ae13-5ab4-a9ff-ce54dfea72a0</RequestId></ResponseMetadata>
</PublishResponse>`;
const errorXml = (code: string, message: string, type = 'Sender') =>
  `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>${type}</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>9b5c-1</RequestId></ErrorResponse>`;
const XML = { 'content-type': 'text/xml' };

function attributesBytes(attrs: Record<string, { DataType?: string; StringValue?: string }>): number {
  return Object.entries(attrs).reduce((n, [k, v]) => n + bytes(k) + bytes(v.DataType ?? '') + bytes(v.StringValue ?? ''), 0);
}

describe('SNS config', () => {
  it('requires a topic ARN and a region; rejects unknown keys', () => {
    expect(config()).toMatchObject({ topicArn: ARN, region: 'eu-west-1' });
    expect(() => config({ topicArn: 'pooler-watch' })).toThrow();
    expect(() => config({ accessKey: 'x' })).toThrow();
  });
});

describe('buildSnsPayload', () => {
  it('matches the golden publish input', () => {
    expect(buildSnsPayload(notification(), ARN)).toEqual(golden('sns.golden.json'));
  });

  it('matches the golden resolve', () => {
    const p = buildSnsPayload(resolvedNotification(), ARN);
    expect(p).toEqual(golden('sns-resolved.golden.json'));
    expect(p.Subject).toBe('[RESOLVED] time-to-oom on codex-pooler-app-0');
    expect(p.MessageAttributes!.status!.StringValue).toBe('resolved');
  });

  it('carries severity and rule as String attributes', () => {
    const p = buildSnsPayload(notification({}, [alertItem({ severity: 'warning' })]), ARN);
    expect(p.MessageAttributes).toMatchObject({
      severity: { DataType: 'String', StringValue: 'warning' },
      rule: { DataType: 'String', StringValue: 'time-to-oom' },
    });
  });

  it('marks a test clearly in subject, body and attributes', () => {
    const p = buildSnsPayload(notification({ kind: 'test' }), ARN);
    expect(p.Subject!.startsWith('[TEST] ')).toBe(true);
    expect(p.Message).toContain('Wiring test from pooler-watch');
    expect(p.MessageAttributes!.status!.StringValue).toBe('test');
  });

  it('makes the subject one line of printable ASCII under 100 chars', () => {
    expect(snsSubject('[CRITICAL] mémoire — “pod”…\nnext\tline ▁▂▃')).toBe('[CRITICAL] mmoire - "pod"... next line');
    expect(snsSubject('▁▂▃')).toBe('pooler-watch alert');
    const long = snsSubject(`[CRITICAL] ${'é'.repeat(50)}${'x'.repeat(300)}`);
    expect(long.length).toBeLessThanOrEqual(LIMITS.subject.max);
    expect(long.endsWith('...')).toBe(true);
  });
});

describe('SNS limits', () => {
  it('hugeNotification: subject ASCII ≤ 99 chars, message + attributes ≤ 256 KB, hidden alerts counted', () => {
    const p = buildSnsPayload(hugeNotification(), ARN);
    expect(p.Subject!.length).toBeLessThanOrEqual(LIMITS.subject.max);
    expect(p.Subject).toMatch(/^[\x20-\x7e]+$/);
    expect(p.Subject).not.toMatch(/[\r\n]/);
    expect(bytes(p.Message!) + attributesBytes(p.MessageAttributes!)).toBeLessThanOrEqual(LIMITS.message.max);
    expect(p.Message).toMatch(/…and \d+ more alerts$/);
  });

  it('cuts a single oversized alert by bytes, never splitting a UTF-8 sequence', () => {
    const p = buildSnsPayload(notification({}, [alertItem({ summary: '█'.repeat(200_000) })]), ARN);
    expect(bytes(p.Message!) + attributesBytes(p.MessageAttributes!)).toBeLessThanOrEqual(LIMITS.message.max);
    expect(p.Message!.startsWith('[CRITICAL] time-to-oom on codex-pooler-app-0\n')).toBe(true);
    expect(p.Message).not.toContain('\uFFFD');
  });
});

describe('SNS with aws-sdk-client-mock', () => {
  const client = new SNSClient({ region: 'eu-west-1', credentials });
  const mock = mockClient(client);
  beforeEach(() => mock.reset());
  afterAll(() => mock.restore());

  it('publishes exactly the built input and returns the MessageId as receipt', async () => {
    mock.on(PublishCommand).resolves({ MessageId: 'm-1' });
    const ch = await createSnsChannel('sns', config(), deps, { client });
    await expect(ch.send(notification(), ctx())).resolves.toEqual({ messageId: 'm-1' });
    const calls = mock.commandCalls(PublishCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toEqual(buildSnsPayload(notification(), ARN));
  });

  it.each([
    ['throttled (400 Throttling)', new ThrottledException({ message: `Rate exceeded for ${ARN}`, $metadata: { httpStatusCode: 400 } }), true, 400],
    ['invalid parameter (400)', new InvalidParameterException({ message: `Invalid parameter: TopicArn ${ARN}`, $metadata: { httpStatusCode: 400 } }), false, 400],
    ['server (500)', Object.assign(new Error(`boom ${ARN}`), { name: 'InternalErrorException', $metadata: { httpStatusCode: 500 } }), true, 500],
    ['network', Object.assign(new Error(`connect ECONNREFUSED ${ARN}`), { code: 'ECONNREFUSED', $metadata: {} }), true, undefined],
    ['credentials', Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }), false, undefined],
  ])('maps %s', async (_label, error, retryable, status) => {
    mock.on(PublishCommand).rejects(error);
    const ch = await createSnsChannel('sns', config(), deps, { client });
    const err = await ch.send(notification(), ctx()).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelError);
    expect(err).toMatchObject({ channel: 'sns', retryable, status });
    expect(inspect(err) + String(err) + JSON.stringify(err)).not.toContain(ARN);
    expect((err as Error).cause).toBeUndefined();
  });
});

describe('SNS over real HTTP (AWS query protocol)', () => {
  let server: CaptureServer;
  let closedUrl: string;
  beforeAll(async () => {
    server = await startCaptureServer({ status: 200, headers: XML, body: PUBLISH_OK });
    const gone = await serve(() => {});
    closedUrl = gone.url;
    await gone.close();
  });
  afterAll(() => server.close());
  beforeEach(() => {
    server.requests.length = 0;
  });
  const channel = (endpoint = server.url, timeoutMs?: number) =>
    createSnsChannel('sns', config({ endpoint, ...(timeoutMs ? { timeoutMs } : {}) }), deps, { credentials });

  it('sends a signed, form-urlencoded Publish with TopicArn, Subject, Message and attributes', async () => {
    const ch = await channel();
    await expect(ch.send(hugeNotification(), ctx())).resolves.toEqual({ messageId: '567910cd-659e-55d4-8ccb-5aaf14679dc0' });
    expect(server.requests).toHaveLength(1); // maxAttempts 1: retries belong to the delivery layer
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-west-1\/sns\/aws4_request/);
    const form = new URLSearchParams(req.body);
    expect(form.get('Action')).toBe('Publish');
    expect(form.get('TopicArn')).toBe(ARN);
    expect(form.get('Subject')!.length).toBeLessThanOrEqual(99);
    expect(form.get('Subject')).toMatch(/^[\x20-\x7e]+$/);
    expect(bytes(form.get('Message')!)).toBeLessThanOrEqual(LIMITS.message.max);
    const names = [...form.entries()].filter(([k]) => /^MessageAttributes\.entry\.\d+\.Name$/.test(k)).map(([, v]) => v);
    expect(names.sort()).toEqual(['rule', 'severity', 'status']);
    expect(form.get('MessageAttributes.entry.1.Value.DataType')).toBe('String');
  });

  const table: Array<[string, { status: number; headers?: Record<string, string>; body?: string } | 'network' | 'timeout', 'ok' | { retryable: boolean; status?: number; retryAfterMs?: number; reason?: string }]> = [
    ['200', { status: 200 }, 'ok'],
    ['201', { status: 201 }, 'ok'],
    ['202', { status: 202 }, 'ok'],
    ['204', { status: 204, body: '' }, 'ok'],
    ['400', { status: 400, body: errorXml('InvalidParameter', `Invalid parameter: TopicArn ${ARN}`) }, { retryable: false, status: 400 }],
    ['401', { status: 401, body: errorXml('InvalidClientTokenId', 'The security token included in the request is invalid') }, { retryable: false, status: 401 }],
    ['403', { status: 403, body: errorXml('AuthorizationError', `User is not authorized on ${ARN}`) }, { retryable: false, status: 403, reason: 'AuthorizationErrorException' }],
    ['404', { status: 404, body: errorXml('NotFound', `Topic does not exist: ${ARN}`) }, { retryable: false, status: 404 }],
    ['408', { status: 408, body: errorXml('RequestTimeout', 'Request timed out') }, { retryable: true, status: 408 }],
    ['413', { status: 413, body: errorXml('RequestEntityTooLarge', 'too large') }, { retryable: false, status: 413 }],
    ['429 + Retry-After', { status: 429, headers: { ...XML, 'retry-after': '20' }, body: errorXml('Throttling', 'Rate exceeded') }, { retryable: true, status: 429, retryAfterMs: 20_000 }],
    ['400 Throttling', { status: 400, body: errorXml('Throttling', 'Rate exceeded') }, { retryable: true, status: 400, reason: 'Throttling' }],
    ['500', { status: 500, body: errorXml('InternalError', 'internal', 'Receiver') }, { retryable: true, status: 500 }],
    ['502', { status: 502, body: 'Bad Gateway' }, { retryable: true, status: 502, reason: 'HTTP 502' }],
    ['503', { status: 503, body: errorXml('ServiceUnavailable', 'unavailable', 'Receiver') }, { retryable: true, status: 503 }],
    ['200 with an unparseable body', { status: 200, body: '<garbage' }, { retryable: true, status: 200, reason: 'unparseable response' }],
    ['network error', 'network', { retryable: true, status: undefined }],
    ['timeout', 'timeout', { retryable: true, status: undefined, reason: 'timeout' }],
  ];
  it.each(table)('%s', async (_label, answer, expected) => {
    let endpoint = server.url;
    if (answer === 'network') endpoint = closedUrl;
    else if (answer === 'timeout') server.script({ status: 200, headers: XML, body: PUBLISH_OK, delayMs: 1_500 });
    else server.script({ headers: XML, body: PUBLISH_OK, ...answer });
    const ch = await channel(endpoint, 300);
    const result = ch.send(notification(), ctx());
    if (expected === 'ok') return expect(result).resolves.not.toBeInstanceOf(Error);
    const err = await result.then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(ChannelError);
    expect(err).toMatchObject({ channel: 'sns', ...expected });
  });

  it('never leaks the credentials, the ARN or the SDK message into the error', async () => {
    server.script(
      { status: 400, headers: XML, body: errorXml('InvalidParameter', `Invalid parameter: TopicArn ${ARN} ${SECRET_ACCESS_KEY}`) },
      { status: 403, headers: XML, body: errorXml('SignatureDoesNotMatch', `${SECRET_ACCESS_KEY} canonical request follows`) },
      { status: 500, headers: XML, body: errorXml('InternalError', ARN, 'Receiver') },
    );
    for (let i = 0; i < 3; i++) {
      const ch = await channel();
      const err = await ch.send(notification(), ctx()).then(() => undefined, (e: unknown) => e);
      expect(err).toBeInstanceOf(ChannelError);
      for (const text of [(err as Error).message, JSON.stringify(err), String(err), inspect(err, { depth: 5 }), (err as Error).stack ?? '']) {
        expect(text).not.toContain(SECRET_ACCESS_KEY);
        expect(text).not.toContain(ARN);
        expect(text).not.toContain('Invalid parameter');
      }
    }
    for (const req of server.requests) {
      expect(req.body + JSON.stringify(req.headers) + req.path).not.toContain(SECRET_ACCESS_KEY);
    }
    expect(JSON.stringify(buildSnsPayload(notification(), ARN))).not.toContain(SECRET_ACCESS_KEY);
  });
});
