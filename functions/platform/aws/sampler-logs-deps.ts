import { parseSamplerLogsConfigJson, type SamplerLogsConfig } from '../../config/sampler-logs-config.ts';
import { parseSamplerMemo, type SamplerMemo } from '../../core/sampler/index.ts';
import type { SamplerMemoStore } from '../../runtime/sampler-ingest.ts';
import { dynamo } from './shared-clients.ts';
import { memoDeps, sharedDeps } from './deps.ts';
import { DynamoStateStore, type ConflictBackoff } from './dynamo-state-store.ts';
import { externalAlertDeps, type ExternalAlertDeps } from './external-alert-deps.ts';

/** The sampler memo's item (and its chunks, `state#sampler#chunk#…`): the role may touch nothing else under `state#`. */
export const SAMPLER_STATE_KEY = 'state#sampler';

/**
 * Optimistic-lock attempts on the memo. The function's reserved concurrency of 1 (serverless.yml) keeps batches from
 * running side by side; this loop covers what overlaps anyway (e.g. the concurrency raised). Each conflict means
 * another writer committed since this one read, so with at most this many writers at once every one commits.
 */
export const MEMO_UPDATE_ATTEMPTS = 6;

/** Waits after a conflict, with full jitter: ceilings 50, 100, 200, 400, 800 ms (at most ~1.5 s in all, of a 30 s timeout). */
export const MEMO_UPDATE_BACKOFF = { baseMs: 50, maxMs: 1_000 } as const;

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
  // The same test seams as the dispatcher's retries (DepsOverrides.retry); production passes none.
  const { random, sleep } = base.retry;
  const backoff: ConflictBackoff = { ...MEMO_UPDATE_BACKOFF, ...(random ? { random } : {}), ...(sleep ? { sleep } : {}) };
  return {
    ...base,
    memoStore: () => {
      const store = new DynamoStateStore<SamplerMemo>({ client: dynamo(), tableName: env.TABLE_NAME, key: SAMPLER_STATE_KEY, now, parse: parseSamplerMemo });
      return {
        load: () => store.load(),
        update: async (change) => {
          await store.update(change, MEMO_UPDATE_ATTEMPTS, backoff);
        },
      };
    },
  };
});
