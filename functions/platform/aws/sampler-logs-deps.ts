import { parseSamplerLogsConfigJson, type SamplerLogsConfig } from '../../config/sampler-logs-config.ts';
import { parseSamplerMemo, type SamplerMemo } from '../../core/sampler/index.ts';
import type { SamplerMemoStore } from '../../runtime/sampler-ingest.ts';
import { dynamo } from './shared-clients.ts';
import { memoDeps, sharedDeps } from './deps.ts';
import { DynamoStateStore } from './dynamo-state-store.ts';
import { externalAlertDeps, type ExternalAlertDeps } from './external-alert-deps.ts';

/** The sampler memo's item (and its chunks, `state#sampler#chunk#…`): the role may touch nothing else under `state#`. */
export const SAMPLER_STATE_KEY = 'state#sampler';

/** Optimistic-lock attempts: subscription batches of one log group may run concurrently and merge into one memo. */
const MEMO_UPDATE_ATTEMPTS = 6;

/**
 * What the sampler-logs function uses: the shared deps with the config sections it reads (sampler-logs-config.ts),
 * the ledger (batch keys), the SQS queue and its memo.
 */
export interface SamplerLogsDeps extends ExternalAlertDeps<SamplerLogsConfig> {
  /** A fresh store per invocation (DynamoStateStore tracks the version it loaded). */
  memoStore(): SamplerMemoStore;
}

const samplerLogsSharedDeps = sharedDeps(parseSamplerLogsConfigJson);

/** The sampler-logs composition root, memoised per cold start. */
export const samplerLogsDeps: () => Promise<SamplerLogsDeps> = memoDeps(async () => {
  const base = await externalAlertDeps(samplerLogsSharedDeps);
  const { env, now } = base;
  return {
    ...base,
    memoStore: () => {
      const store = new DynamoStateStore<SamplerMemo>({ client: dynamo(), tableName: env.TABLE_NAME, key: SAMPLER_STATE_KEY, now, parse: parseSamplerMemo });
      return {
        load: () => store.load(),
        update: async (change) => {
          await store.update(change, MEMO_UPDATE_ATTEMPTS);
        },
      };
    },
  };
});
