import { dynamo } from './shared-clients.ts';
import { baseDeps } from './base-deps.ts';
import { memoDeps, type BaseDeps } from './deps.ts';
import { DynamoLedger } from './dynamo-ledger.ts';
import { sharedSqsJobQueue, type SqsJobQueue } from './sqs-jobs.ts';

/**
 * What a source of already-timed alerts uses (the Alertmanager webhook, sampler logs): the shared deps, the DynamoDB
 * ledger that marks accepted batches, and the SQS queue their jobs go to.
 */
export interface ExternalAlertDeps extends BaseDeps {
  ledger: DynamoLedger;
  queue: SqsJobQueue;
}

/** Builds {@link ExternalAlertDeps}; each function memoises its own composition root on top of it. */
export async function externalAlertDeps(): Promise<ExternalAlertDeps> {
  const base = await baseDeps();
  const { env, now, logger } = base;
  return {
    ...base,
    ledger: new DynamoLedger({ client: dynamo(), tableName: env.TABLE_NAME, now }),
    queue: sharedSqsJobQueue({ queueUrl: env.QUEUE_URL, logger }),
  };
}

/** What the Alertmanager webhook uses. */
export type WebhookDeps = ExternalAlertDeps;

/** The webhook's composition root, memoised per cold start. */
export const webhookDeps: () => Promise<WebhookDeps> = memoDeps(externalAlertDeps);
