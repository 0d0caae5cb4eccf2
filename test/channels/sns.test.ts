import { InvalidParameterException, PublishCommand, SNSClient, ThrottledException } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { buildSnsPayload, createSnsChannel, LIMITS, SnsConfig, snsSubject } from '../../functions/channels/sns.ts';
import { bytes, classifiesStatuses, expectNoSecret, failure, golden, makeDeps, sendCtx as ctx, useCaptureServer } from '../helpers/channel-contract.ts';
import { alertItem, hugeNotification, notification, resolvedNotification } from '../helpers/notifications.ts';

const ARN = 'arn:aws:sns:eu-west-1:123456789012:pooler-watch-oncall';
const SECRET_ACCESS_KEY = 'wJalrXUtnFEMI-K7MDENG-SNS-S3CRET';
const credentials = { accessKeyId: 'AKIDTEST', secretAccessKey: SECRET_ACCESS_KEY };
const deps = makeDeps(); // SNS resolves no secrets: the SDK signs with `credentials`
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
    expect(buildSnsPayload(notification(), ARN)).toEqual(golden('sns'));
  });

  it('matches the golden resolve', () => {
    const p = buildSnsPayload(resolvedNotification(), ARN);
    expect(p).toEqual(golden('sns', 'resolved'));
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
    const err = await failure(ch.send(notification(), ctx()));
    expect(err).toMatchObject({ channel: 'sns', retryable, status });
    expectNoSecret(err, ARN);
    expect(err.cause).toBeUndefined();
  });
});

describe('SNS over real HTTP (AWS query protocol)', () => {
  const server = useCaptureServer({ status: 200, headers: XML, body: PUBLISH_OK });
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

  /** SNS answers every status with its XML: a Publish result for 2xx, an ErrorResponse otherwise. */
  const ERROR_BODIES: Record<number, string> = {
    400: errorXml('InvalidParameter', `Invalid parameter: TopicArn ${ARN}`),
    401: errorXml('InvalidClientTokenId', 'The security token included in the request is invalid'),
    403: errorXml('AuthorizationError', `User is not authorized on ${ARN}`),
    404: errorXml('NotFound', `Topic does not exist: ${ARN}`),
    408: errorXml('RequestTimeout', 'Request timed out'),
    413: errorXml('RequestEntityTooLarge', 'too large'),
    429: errorXml('Throttling', 'Rate exceeded'),
    500: errorXml('InternalError', 'internal', 'Receiver'),
    502: 'Bad Gateway',
    503: errorXml('ServiceUnavailable', 'unavailable', 'Receiver'),
  };
  classifiesStatuses({
    channel: 'sns',
    makeChannel: async (endpoint, timeoutMs) => channel(endpoint, timeoutMs ?? 300),
    respond: (status) => ({ headers: XML, body: status === 204 ? '' : (ERROR_BODIES[status] ?? PUBLISH_OK) }),
    retryAfterSeconds: 20,
    timeoutMs: 300,
    expectOk: (receipt) => expect(receipt).not.toBeInstanceOf(Error),
    expect: { '403': { reason: 'AuthorizationErrorException' }, '502': { reason: 'HTTP 502' } },
    extraCases: [
      { label: '400 Throttling', answer: { status: 400, body: errorXml('Throttling', 'Rate exceeded') }, expected: { retryable: true, status: 400, reason: 'Throttling' } },
      { label: '200 with an unparseable body', answer: { status: 200, body: '<garbage' }, expected: { retryable: true, status: 200, reason: 'unparseable response' } },
    ],
  });

  it('never leaks the credentials, the ARN or the SDK message into the error', async () => {
    server.script(
      { status: 400, headers: XML, body: errorXml('InvalidParameter', `Invalid parameter: TopicArn ${ARN} ${SECRET_ACCESS_KEY}`) },
      { status: 403, headers: XML, body: errorXml('SignatureDoesNotMatch', `${SECRET_ACCESS_KEY} canonical request follows`) },
      { status: 500, headers: XML, body: errorXml('InternalError', ARN, 'Receiver') },
    );
    for (let i = 0; i < 3; i++) {
      const ch = await channel();
      expectNoSecret(await failure(ch.send(notification(), ctx())), [SECRET_ACCESS_KEY, ARN, 'Invalid parameter']);
    }
    for (const req of server.requests) {
      expect(req.body + JSON.stringify(req.headers) + req.path).not.toContain(SECRET_ACCESS_KEY);
    }
    expect(JSON.stringify(buildSnsPayload(notification(), ARN))).not.toContain(SECRET_ACCESS_KEY);
  });
});

// A FIFO topic requires MessageGroupId, and MessageDeduplicationId unless content-based deduplication is on; without
// them SNS answers 400 InvalidParameter, which is not retried (docs.aws.amazon.com/sns/latest/dg/fifo-message-grouping).
describe('SNS: FIFO topics', () => {
  const FIFO_ARN = 'arn:aws:sns:eu-west-1:123456789012:pooler-watch-oncall.fifo';

  it('a publish to a FIFO topic carries a group per receiver and a deduplication id per notification', () => {
    expect(SnsConfig.parse({ type: 'sns', topicArn: FIFO_ARN, region: 'eu-west-1' }).topicArn).toBe(FIFO_ARN);
    const [a, b] = [notification(), resolvedNotification()].map((n) => buildSnsPayload(n, FIFO_ARN));
    expect(a!.MessageGroupId).toBe(notification().receiver);
    expect(a!.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(b!.MessageDeduplicationId).not.toBe(a!.MessageDeduplicationId);
  });

  it('a standard topic gets neither (it refuses them)', () => {
    const p = buildSnsPayload(notification(), 'arn:aws:sns:eu-west-1:123456789012:pooler-watch-oncall');
    expect(p.MessageGroupId).toBeUndefined();
    expect(p.MessageDeduplicationId).toBeUndefined();
  });
});
