import { parseArgs } from 'node:util';
import { DeleteMessageCommand, ReceiveMessageCommand, SQSClient, SendMessageCommand, StartMessageMoveTaskCommand } from '@aws-sdk/client-sqs';

/** What `pooler-watch redrive --dlq …` writes to and, in tests, which SQS client it uses. */
export interface DlqRedriveIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  /** Injected client (tests); default one for `--region` or the region in the queue URL. */
  sqs?: SQSClient;
}

export const DLQ_REDRIVE_USAGE = `pooler-watch redrive --dlq QUEUE --to QUEUE [--region R] [--max N]
  QUEUE URLs: ReceiveMessage → SendMessage → DeleteMessage, at most N messages (default 1000).
  QUEUE ARNs: SQS StartMessageMoveTask (--to optional: back to each message's source queue).
`;

const ARN = /^arn:aws[a-z-]*:sqs:([a-z0-9-]+):\d{12}:[A-Za-z0-9_.-]+$/;
const URL_REGION = /^https:\/\/sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\//;

/**
 * Moves delivery jobs from the dead-letter queue back to the delivery queue. With queue URLs it copies message by
 * message — receive (visibility 60 s), send, and delete only once the send succeeded — so a failure leaves the
 * message in the DLQ (visible again after 60 s), never lost; a crash between send and delete can duplicate one job,
 * which the dispatcher's ledger delivers once. Bounded by `--max`; stops at the first empty long poll. With ARNs it
 * starts SQS's own move task (asynchronous; progress in the console or ListMessageMoveTasks). Exit 0 if everything
 * moved, 1 if any message failed, 2 on usage errors.
 */
export async function runDlqRedrive(args: string[], io: DlqRedriveIo): Promise<number> {
  let values: { dlq?: string; to?: string; region?: string; max?: string };
  try {
    ({ values } = parseArgs({ args, options: { dlq: { type: 'string' }, to: { type: 'string' }, region: { type: 'string' }, max: { type: 'string' } }, strict: true }));
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${DLQ_REDRIVE_USAGE}`);
    return 2;
  }
  const { dlq, to } = values;
  const max = values.max === undefined ? 1_000 : Number(values.max);
  if (!dlq || (!to && !ARN.test(dlq)) || !Number.isInteger(max) || max < 1) {
    io.stderr.write(DLQ_REDRIVE_USAGE);
    return 2;
  }
  if (dlq === to) {
    io.stderr.write('--dlq and --to are the same queue\n');
    return 2;
  }
  const arnMode = ARN.test(dlq);
  if (arnMode !== (to === undefined || ARN.test(to))) {
    io.stderr.write('give both queues as URLs, or both as ARNs\n');
    return 2;
  }
  const region = values.region ?? (arnMode ? ARN.exec(dlq)?.[1] : URL_REGION.exec(dlq)?.[1]);
  const client = io.sqs ?? new SQSClient(region ? { region } : {});
  if (arnMode) {
    try {
      const out = await client.send(new StartMessageMoveTaskCommand({ SourceArn: dlq, ...(to ? { DestinationArn: to } : {}) }));
      io.stdout.write(`started a message move task from ${dlq} to ${to ?? 'the source queues'} (task ${out.TaskHandle ?? 'unknown'})\n`);
      return 0;
    } catch (err) {
      io.stderr.write(`cannot start the move task (${err instanceof Error ? err.name : 'error'})\n`);
      return 1;
    }
  }
  let moved = 0;
  let failed = 0;
  while (moved + failed < max) {
    let messages;
    try {
      const out = await client.send(
        new ReceiveMessageCommand({ QueueUrl: dlq, MaxNumberOfMessages: Math.min(10, max - moved - failed), WaitTimeSeconds: 1, VisibilityTimeout: 60, MessageAttributeNames: ['All'] }),
      );
      messages = out.Messages ?? [];
    } catch (err) {
      io.stderr.write(`cannot read the DLQ (${err instanceof Error ? err.name : 'error'})\n`);
      failed += 1;
      break;
    }
    if (messages.length === 0) break;
    for (const m of messages) {
      try {
        await client.send(new SendMessageCommand({ QueueUrl: to, MessageBody: m.Body ?? '', ...(m.MessageAttributes ? { MessageAttributes: m.MessageAttributes } : {}) }));
        await client.send(new DeleteMessageCommand({ QueueUrl: dlq, ReceiptHandle: m.ReceiptHandle }));
        moved += 1;
      } catch (err) {
        failed += 1;
        io.stderr.write(`message ${m.MessageId ?? '?'} not moved (${err instanceof Error ? err.name : 'error'})\n`);
      }
    }
  }
  io.stdout.write(`redrove ${moved} message${moved === 1 ? '' : 's'} from the DLQ${failed ? `, ${failed} failed` : ''}${moved + failed >= max ? ` (stopped at --max ${max})` : ''}\n`);
  return failed > 0 ? 1 : 0;
}
