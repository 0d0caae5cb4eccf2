import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildNotification } from '../../../functions/core/render/render.ts';
import type { AlertItem } from '../../../functions/core/render/types.ts';
import { SQS_LIMITS, createSqsJobQueue, fitJob, parseJobRecord, sendJobs } from '../../../functions/platform/aws/sqs-jobs.ts';
import type { DeliveryJob } from '../../../functions/platform/delivery/job.ts';
import { receiverAuthFromSecret } from '../../../functions/platform/aws/lambda.ts';
import { FAKE_CREDENTIALS } from './local-dynamo.ts';

const sqs = mockClient(SQSClient);
const client = new SQSClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', credentials: FAKE_CREDENTIALS });
const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/pw-delivery';
const inputs = () => sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input as SendMessageBatchCommandInput);
const ok = (input: SendMessageBatchCommandInput) => ({ Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: 'x' })), Failed: [] });

function job(n: number, alerts = 1, summaryChars = 100): DeliveryJob {
  const items: AlertItem[] = Array.from({ length: alerts }, (_, i) => ({
    fingerprint: `fp-${n}-${i}`, status: 'firing', severity: i === 0 ? 'warning' : 'critical', rule: 'memory-pressure', pod: `pod-${i}`, target: 't', source: 'alertmanager',
    title: `alert ${i}`, summary: 'y'.repeat(summaryChars), hint: '', promql: '', evidence: [], startsAt: '2026-11-24T10:00:00.000Z', links: [], labels: {}, action: 'trigger',
  }));
  const notification = buildNotification({ receiver: 'chat', groupKey: `g${n}`, kind: 'trigger', alerts: items, transitionTimes: {}, now: 0 });
  return { id: notification.id, receiver: 'chat', notification, enqueuedAt: '2026-11-24T10:00:00.000Z' };
}

beforeEach(() => {
  sqs.reset();
  sqs.on(SendMessageBatchCommand).callsFake(ok);
});

describe('sendJobs', () => {
  it('batches at most 10 entries and 256 KiB per request', async () => {
    const small = Array.from({ length: 23 }, (_, i) => job(i));
    expect((await sendJobs(small, { client, queueUrl })).sent).toHaveLength(23);
    expect(inputs().map((i) => i.Entries?.length)).toEqual([10, 10, 3]);
    sqs.resetHistory();
    const big = Array.from({ length: 6 }, (_, i) => job(100 + i, 1, 100_000)); // ~100 KB each: two per request
    expect((await sendJobs(big, { client, queueUrl })).sent).toHaveLength(6);
    for (const input of inputs()) {
      const total = (input.Entries ?? []).reduce((s, e) => s + Buffer.byteLength(e.MessageBody ?? ''), 0);
      expect(total).toBeLessThanOrEqual(SQS_LIMITS.batchBytes.max);
    }
    expect(inputs()).toHaveLength(3);
  });

  it('truncates an oversized job with truncateList (summary item, never silently) and sends it', async () => {
    const huge = job(1, 400, 2_000); // ~900 KB
    const result = await sendJobs([huge], { client, queueUrl });
    expect(result.sent).toEqual([huge.id]);
    expect(result.truncated).toEqual([{ id: huge.id, alerts: 400, kept: expect.any(Number) }]);
    const body = inputs()[0]!.Entries![0]!.MessageBody!;
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(SQS_LIMITS.messageBytes.max);
    const sent = JSON.parse(body) as DeliveryJob;
    const last = sent.notification.alerts.at(-1)!;
    expect(last).toMatchObject({ rule: 'truncated', action: 'remind', severity: 'critical' });
    expect(last.title).toBe(`…and ${400 - result.truncated[0]!.kept} more alerts`);
    expect(sent.notification.alerts.length).toBe(result.truncated[0]!.kept + 1);
    expect(sent.id).toBe(huge.id);
    expect(fitJob(huge, 100)).toBeUndefined();
  });

  it('retries entries SQS failed on its side once, and reports those it refuses', async () => {
    let call = 0;
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => {
      call += 1;
      const entries = input.Entries ?? [];
      if (call === 1) return { Successful: [{ Id: entries[0]!.Id }], Failed: [{ Id: entries[1]!.Id, Code: 'InternalError', SenderFault: false }, { Id: entries[2]!.Id, Code: 'InvalidMessageContents', SenderFault: true }] };
      return ok(input);
    });
    const jobs = [job(1), job(2), job(3)];
    const result = await sendJobs(jobs, { client, queueUrl });
    expect(result.sent.sort()).toEqual([jobs[0]!.id, jobs[1]!.id].sort());
    expect(result.failed).toEqual([{ id: jobs[2]!.id, code: 'InvalidMessageContents' }]);
    sqs.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({ Successful: [], Failed: (input.Entries ?? []).map((e) => ({ Id: e.Id, Code: 'InvalidMessageContents', SenderFault: true })) }));
    await expect(createSqsJobQueue({ client, queueUrl }).enqueue(jobs)).rejects.toMatchObject({ name: 'QueueSendError' });
  });

  it('gives FIFO queues a group (receiver) and a dedup id; escapes characters SQS refuses', async () => {
    const j = job(1);
    j.notification.title = 'odd \uFFFE char';
    await sendJobs([j], { client, queueUrl: `${queueUrl}.fifo` });
    const entry = inputs()[0]!.Entries![0]!;
    expect(entry.MessageGroupId).toBe('chat');
    expect(entry.MessageDeduplicationId).toMatch(/^[0-9a-f]{64}$/);
    expect(entry.MessageBody).not.toMatch(/\uFFFE/);
    expect((JSON.parse(entry.MessageBody!) as DeliveryJob).notification.title).toBe('odd \uFFFE char');
  });
});

describe('parseJobRecord', () => {
  it('returns the job, or a reason made of paths only', () => {
    const j = job(1);
    expect(parseJobRecord({ body: JSON.stringify(j) })).toEqual({ ok: true, job: j });
    expect(parseJobRecord({ body: 'nope' })).toEqual({ ok: false, reason: 'invalid JSON' });
    const bad = parseJobRecord({ body: JSON.stringify({ id: 'x', receiver: 'secret-value-here' }) });
    expect(bad.ok).toBe(false);
    expect(JSON.stringify(bad)).not.toContain('secret-value-here');
  });
});

describe('receiverAuthFromSecret', () => {
  it('a plain string is a bearer token, {username,password} is basic auth, anything else configures nothing', () => {
    const bearer = receiverAuthFromSecret('tok-123\n');
    expect(bearer !== 'none' && bearer.bearer?.reveal()).toBe('tok-123');
    const basic = receiverAuthFromSecret({ username: 'am', password: 'pw' });
    expect(basic !== 'none' && [basic.basic?.username.reveal(), basic.basic?.password.reveal()]).toEqual(['am', 'pw']);
    expect(JSON.stringify(basic)).not.toContain('pw');
    for (const v of [undefined, '', { username: 'am' }, 42]) expect(receiverAuthFromSecret(v)).toEqual({});
  });
});

describe('parseLambdaEnv', () => {
  it('applies defaults (empty counts as unset) and names bad variables without their values', async () => {
    const { parseLambdaEnv } = await import('../../../functions/platform/aws/deps.ts');
    const env = parseLambdaEnv({ TABLE_NAME: 't', QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/1/q', CONFIG_PARAMETER: '/p', RECEIVER_SECRET_ID: '', METRICS_NAMESPACE: '' });
    expect(env).toMatchObject({ STAGE: 'dev', METRICS_NAMESPACE: 'PoolerWatch', LOG_LEVEL: 'info' });
    expect(env.RECEIVER_SECRET_ID).toBeUndefined();
    expect(() => parseLambdaEnv({ TABLE_NAME: 't', QUEUE_URL: 'not-a-url-s3cr3t', LOG_LEVEL: 'loud' })).toThrow(/QUEUE_URL, CONFIG_PARAMETER, LOG_LEVEL|QUEUE_URL.*LOG_LEVEL/);
    expect(() => parseLambdaEnv({ QUEUE_URL: 'not-a-url-s3cr3t' })).not.toThrow(/s3cr3t/);
  });
});
