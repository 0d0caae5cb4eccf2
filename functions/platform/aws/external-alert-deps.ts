import type { Config } from '../../config/schema.ts';
import { dynamo } from './shared-clients.ts';
import type { BaseDeps } from './deps.ts';
import { DynamoLedger } from './dynamo-ledger.ts';
import { sharedSqsJobQueue, type SqsJobQueue } from './sqs-jobs.ts';

/**
 * What a source of already-timed alerts uses (the Alertmanager webhook, sampler logs) and dispatch: the shared deps,
 * the DynamoDB ledger that marks accepted batches, and the SQS queue their jobs go to. `C` is the config as that
 * function validates it (config-view.ts, or the whole config for dispatch).
 */
export interface ExternalAlertDeps<C = Config> extends BaseDeps<C> {
  ledger: DynamoLedger;
  queue: SqsJobQueue;
}

/** Builds {@link ExternalAlertDeps} on a function's shared deps; each function memoises its own root on top of it. */
export async function externalAlertDeps<C>(shared: () => Promise<BaseDeps<C>>): Promise<ExternalAlertDeps<C>> {
  const base = await shared();
  const { env, now, logger } = base;
  return {
    ...base,
    ledger: new DynamoLedger({ client: dynamo(), tableName: env.TABLE_NAME, now }),
    queue: sharedSqsJobQueue({ queueUrl: env.QUEUE_URL, logger }),
  };
}
