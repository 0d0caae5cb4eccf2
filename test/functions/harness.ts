import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient, SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SendMessageBatchCommandInput } from '@aws-sdk/client-sqs';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyEventV2, Context, SQSRecord, ScheduledEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { DeliveryJob } from '../../functions/platform/delivery/job.ts';
import { configureDeps, type DepsOverrides } from '../../functions/platform/aws/deps.ts';
import { FAKE_CREDENTIALS, startLocalDynamo, type LocalDynamo } from '../platform/aws/local-dynamo.ts';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/aws/${name}`, import.meta.url), 'utf8')) as T;

export const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/pooler-watch-test-delivery';
export const CONFIG_PARAMETER = '/pooler-watch/test/config';
export const RECEIVER_SECRET_ID = 'pooler-watch/test/receiver';

/** Mocks for the services with no local server; DynamoDB is real (dynalite). */
export const sqsMock = mockClient(SQSClient);
export const cwMock = mockClient(CloudWatchClient);
export const ssmMock = mockClient(SSMClient);
export const smMock = mockClient(SecretsManagerClient);

/** Every job sent with SendMessageBatch so far, parsed. */
export function sentJobs(): DeliveryJob[] {
  return sqsMock
    .commandCalls(SendMessageBatchCommand)
    .flatMap((c) => (c.args[0].input as SendMessageBatchCommandInput).Entries ?? [])
    .map((e) => JSON.parse(e.MessageBody ?? '') as DeliveryJob);
}

export function metricData() {
  return cwMock.commandCalls(PutMetricDataCommand).flatMap((c) => c.args[0].input.MetricData ?? []);
}

export interface Harness {
  dynamo: LocalDynamo;
  table: string;
  logs: string[];
  /** Points the functions at a fresh table and this config (YAML/JSON text or an object). */
  configure(config: unknown, extra?: Partial<DepsOverrides> & { env?: Record<string, string> }): Promise<void>;
  close(): Promise<void>;
}

export async function startHarness(): Promise<Harness> {
  const dynamo = await startLocalDynamo();
  const h: Harness = {
    dynamo,
    table: '',
    logs: [],
    async configure(config, extra = {}) {
      h.table = await dynamo.table();
      h.logs.length = 0;
      for (const m of [sqsMock, cwMock, ssmMock, smMock]) m.reset();
      sqsMock.on(SendMessageBatchCommand).callsFake((input: SendMessageBatchCommandInput) => ({
        Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: randomUUID(), MD5OfMessageBody: 'x' })),
        Failed: [],
      }));
      cwMock.on(PutMetricDataCommand).resolves({});
      ssmMock.on(GetParameterCommand, { Name: CONFIG_PARAMETER }).resolves({ Parameter: { Name: CONFIG_PARAMETER, Type: 'String', Value: typeof config === 'string' ? config : JSON.stringify(config) } });
      const { env, ...rest } = extra;
      configureDeps({
        env: { STAGE: 'test', TABLE_NAME: h.table, QUEUE_URL, CONFIG_PARAMETER, METRICS_NAMESPACE: 'PoolerWatch', RECEIVER_SECRET_ID, LOG_LEVEL: 'debug', ...env },
        clients: { region: 'eu-west-1', endpoint: dynamo.endpoint, credentials: FAKE_CREDENTIALS, maxAttempts: 1 },
        logStream: { write: (line: string) => h.logs.push(line) },
        ...rest,
      });
    },
    close: () => dynamo.close(),
  };
  return h;
}

/** A Lambda context whose remaining time counts down from `remainingMs` in real time. */
export function lambdaContext(remainingMs = 30_000, awsRequestId: string = randomUUID()): Context {
  const deadline = Date.now() + remainingMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName: 'pooler-watch-test-fn',
    functionVersion: '$LATEST',
    invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:pooler-watch-test-fn',
    memoryLimitInMB: '512',
    awsRequestId,
    logGroupName: '/aws/lambda/pooler-watch-test-fn',
    logStreamName: '2026/11/24/[$LATEST]0123456789abcdef0123456789abcdef',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export const scheduledEvent = (): ScheduledEvent => fixture<ScheduledEvent>('eventbridge-scheduled.json');

/** An HTTP API v2 `POST /alertmanager` event carrying `body` (base64-encoded when asked). */
export function webhookEvent(body: string, opts: { authorization?: string; base64?: boolean; headers?: Record<string, string> } = {}): APIGatewayProxyEventV2 {
  const event = fixture<APIGatewayProxyEventV2>('apigw-v2-alertmanager.json');
  const headers: Record<string, string | undefined> = { ...event.headers, 'content-length': String(Buffer.byteLength(body)), ...opts.headers };
  if (opts.authorization === undefined) delete headers.authorization;
  else headers.authorization = opts.authorization;
  return { ...event, headers, body: opts.base64 ? Buffer.from(body).toString('base64') : body, isBase64Encoded: opts.base64 === true };
}

/** An SQS record carrying `body`. */
export function sqsRecord(body: string, messageId: string = randomUUID()): SQSRecord {
  return { ...fixture<SQSRecord>('sqs-record.json'), body, messageId };
}

/** Parsed JSON log lines. */
export const logLines = (h: Harness): Array<Record<string, unknown>> => h.logs.map((l) => JSON.parse(l) as Record<string, unknown>);

export { GetSecretValueCommand };
