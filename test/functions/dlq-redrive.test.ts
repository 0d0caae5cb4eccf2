import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, SendMessageCommand, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { runDlqRedrive } from '../../functions/cli/dlq-redrive.ts';
import { FAKE_CREDENTIALS } from '../platform/aws/local-dynamo.ts';

const sqs = mockClient(SQSClient);
const client = new SQSClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', credentials: FAKE_CREDENTIALS });
const DLQ = 'https://sqs.eu-west-1.amazonaws.com/123456789012/pw-delivery-dlq';
const TO = 'https://sqs.eu-west-1.amazonaws.com/123456789012/pw-delivery';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { stdout: { write: (t: string) => out.push(t) }, stderr: { write: (t: string) => err.push(t) }, sqs: client } };
}

beforeEach(() => sqs.reset());

describe('runDlqRedrive', () => {
  it('moves messages back (receive → send → delete) until the DLQ is empty', async () => {
    const messages = Array.from({ length: 12 }, (_, i) => ({ MessageId: `m${i}`, ReceiptHandle: `r${i}`, Body: `{"id":"job-${i}"}` }));
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: messages.slice(0, 10) }).resolvesOnce({ Messages: messages.slice(10) }).resolves({ Messages: [] });
    sqs.on(SendMessageCommand).resolves({ MessageId: 'new' });
    sqs.on(DeleteMessageCommand).resolves({});
    const t = io();
    expect(await runDlqRedrive(['--dlq', DLQ, '--to', TO], t.io)).toBe(0);
    expect(t.out.join('')).toBe('redrove 12 messages from the DLQ\n');
    expect(sqs.commandCalls(SendMessageCommand).map((c) => [c.args[0].input.QueueUrl, c.args[0].input.MessageBody])).toEqual(messages.map((m) => [TO, m.Body]));
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(messages.map((m) => m.ReceiptHandle));
  });

  it('never deletes a message it could not send, and is bounded by --max', async () => {
    sqs.on(ReceiveMessageCommand).resolves({ Messages: [{ MessageId: 'a', ReceiptHandle: 'ra', Body: '{}' }, { MessageId: 'b', ReceiptHandle: 'rb', Body: '{}' }] });
    sqs.on(SendMessageCommand).rejectsOnce(Object.assign(new Error('x'), { name: 'AccessDenied' })).resolves({});
    sqs.on(DeleteMessageCommand).resolves({});
    const t = io();
    expect(await runDlqRedrive(['--dlq', DLQ, '--to', TO, '--max', '2'], t.io)).toBe(1);
    expect(sqs.commandCalls(DeleteMessageCommand).map((c) => c.args[0].input.ReceiptHandle)).toEqual(['rb']);
    expect(t.out.join('')).toContain('redrove 1 message from the DLQ, 1 failed (stopped at --max 2)');
    expect(t.err.join('')).toContain('message a not moved (AccessDenied)');
  });

  it('with ARNs starts an SQS message move task; refuses mixed or identical queues', async () => {
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    const t = io();
    const arn = 'arn:aws:sqs:eu-west-1:123456789012:pw-delivery-dlq';
    expect(await runDlqRedrive(['--dlq', arn], t.io)).toBe(0);
    expect(sqs.commandCalls(StartMessageMoveTaskCommand)[0]!.args[0].input).toEqual({ SourceArn: arn });
    expect(t.out.join('')).toContain('task-1');
    expect(await runDlqRedrive(['--dlq', arn, '--to', TO], io().io)).toBe(2);
    expect(await runDlqRedrive(['--dlq', DLQ, '--to', DLQ], io().io)).toBe(2);
    expect(await runDlqRedrive(['--dlq', DLQ], io().io)).toBe(2);
  });
});
