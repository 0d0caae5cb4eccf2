import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { buildNotification } from '../../../functions/core/render/render.ts';
import { setAwsClientOptions } from '../../../functions/platform/aws/shared-clients.ts';
import { sqs } from '../../../functions/platform/aws/sqs-client.ts';
import { lazyJobQueue } from '../../../functions/platform/aws/lazy-job-queue.ts';
import type { SqsJobQueue } from '../../../functions/platform/aws/sqs-jobs.ts';
import type { DeliveryJob } from '../../../functions/platform/delivery/job.ts';
import { FAKE_CREDENTIALS } from './local-dynamo.ts';

const sqsMock = mockClient(SQSClient);
const queueUrl = 'https://sqs.eu-west-1.amazonaws.com/123456789012/pw-delivery';

function job(n: number): DeliveryJob {
  const notification = buildNotification({
    receiver: 'chat',
    groupKey: `g${n}`,
    kind: 'trigger',
    alerts: [{ fingerprint: `fp-${n}`, status: 'firing', severity: 'warning', rule: 'memory-pressure', pod: 'p', target: 't', source: 'probe', title: 't', summary: 's', hint: '', promql: '', evidence: [], startsAt: '2026-11-24T10:00:00.000Z', links: [], labels: {}, action: 'trigger' }],
    transitionTimes: {},
    now: 0,
  });
  return { id: notification.id, receiver: 'chat', notification, enqueuedAt: '2026-11-24T10:00:00.000Z' };
}

beforeEach(() => {
  sqsMock.reset();
  sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
    Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: 'x' })),
    Failed: [],
  }));
  setAwsClientOptions({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
});

describe('lazyJobQueue (the probe loads the SQS client on its first send)', () => {
  it('loads nothing for a round without jobs', async () => {
    let loads = 0;
    const queue = lazyJobQueue(queueUrl, async () => {
      loads += 1;
      throw new Error('must not load');
    });
    expect(queue.queueUrl).toBe(queueUrl);
    expect(await queue.send([])).toEqual({ sent: [], failed: [], truncated: [] });
    await queue.enqueue([]);
    expect(loads).toBe(0);
  });

  it('loads the real queue once, then sends through the process-wide SQS client', async () => {
    let loads = 0;
    const queue = lazyJobQueue(queueUrl, async () => {
      loads += 1;
      return (await import('../../../functions/platform/aws/sqs-jobs.ts')).sharedSqsJobQueue({ queueUrl });
    });
    const [a, b] = await Promise.all([queue.send([job(1), job(2)]), queue.send([job(3)])]);
    await queue.enqueue([job(4)]);
    expect(loads).toBe(1);
    expect([...a.sent, ...b.sent]).toHaveLength(3);
    const calls = sqsMock.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.QueueUrl)).toEqual([queueUrl, queueUrl, queueUrl]);
    const bodies = calls.flatMap((c) => c.args[0].input.Entries ?? []).map((e) => (JSON.parse(e.MessageBody ?? '') as DeliveryJob).id);
    expect(bodies).toEqual([job(1).id, job(2).id, job(3).id, job(4).id]);
    // The same client the other functions' roots get from sqs-client.ts.
    expect(calls.every((c) => c.thisValue === sqs())).toBe(true);
  });

  it('a failed load is not kept: the next send loads again', async () => {
    let loads = 0;
    const real: SqsJobQueue = { queueUrl, send: async (jobs) => ({ sent: jobs.map((j) => j.id), failed: [], truncated: [] }), enqueue: async () => undefined };
    const queue = lazyJobQueue(queueUrl, async () => {
      loads += 1;
      if (loads === 1) throw new Error('chunk not found');
      return real;
    });
    await expect(queue.send([job(1)])).rejects.toThrow('chunk not found');
    expect((await queue.send([job(1)])).sent).toEqual([job(1).id]);
    expect(loads).toBe(2);
  });
});
