import { dynamo } from './shared-clients.ts';
import { sqs } from './sqs-client.ts';
import { baseDeps } from './base-deps.ts';
import { memoDeps, type BaseDeps } from './deps.ts';
import { DynamoLedger } from './dynamo-ledger.ts';
import { createSqsJobQueue, type SqsJobQueue } from './sqs-jobs.ts';

/** What the Alertmanager webhook uses: the shared deps, the DynamoDB ledger (duplicates) and the SQS queue. */
export interface WebhookDeps extends BaseDeps {
  ledger: DynamoLedger;
  queue: SqsJobQueue;
}

/** The webhook's composition root, memoised per cold start. */
export const webhookDeps: () => Promise<WebhookDeps> = memoDeps(async () => {
  const base = await baseDeps();
  const { env, now, logger } = base;
  return {
    ...base,
    ledger: new DynamoLedger({ client: dynamo(), tableName: env.TABLE_NAME, now }),
    queue: createSqsJobQueue({ client: sqs(), queueUrl: env.QUEUE_URL, logger }),
  };
});
