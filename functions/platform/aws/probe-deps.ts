import * as z from 'zod';
import type { Target } from '../../config/schema.ts';
import type { ResolvedTarget } from '../../runtime/probe-round.ts';
import type { CheckRunner } from '../../runtime/check-runner.ts';
import { createCheckRunners } from '../../runtime/check-runners.ts';
import { DeliveryJobSchema } from '../delivery/job.ts';
import { createMetricsPublisher, type MetricsPublisher } from './cloudwatch-metrics.ts';
import { parseProbeConfigJson, type ProbeConfig } from '../../config/probe-config.ts';
import { PROBE_STATE_KEY, memoDeps, resolveAwsSecret, sharedDeps, ttlMemo, type BaseDeps, type ProbeState } from './deps.ts';
import { DynamoStateStore } from './dynamo-state-store.ts';
import { settleClass } from './errors.ts';
import { lazyJobQueue } from './lazy-job-queue.ts';
import { cloudwatch, dynamo } from './shared-clients.ts';
import type { SqsJobQueue } from './sqs-jobs.ts';

/** A target with its token resolved, or one whose token could not be read this time (the error's class only). */
export type ProbeTarget = { ok: true; resolved: ResolvedTarget } | { ok: false; target: Target; error: string };

/** What the probe uses: the shared deps, the SQS queue, its DynamoDB state, CloudWatch metrics and the targets. */
export interface ProbeDeps extends BaseDeps<ProbeConfig> {
  /** Loaded with the SQS client on the first round that has jobs to send. */
  queue: SqsJobQueue;
  /** A fresh store per invocation (it tracks the version it loaded). */
  probeStore(): DynamoStateStore<ProbeState>;
  /** A fresh buffer per invocation. */
  metrics(): MetricsPublisher;
  /**
   * The targets in config order, each with its token. Tokens are resolved per target and kept for the secret TTL;
   * one that cannot be read makes only its own target unavailable, and is tried again on the next call.
   */
  targets(): Promise<ProbeTarget[]>;
  /** Check runners run beside the scrape (synthetic HTTP checks); their secrets come from the TTL-cached providers. */
  checkRunners(): CheckRunner[];
}

const ProbeStateSchema = z.looseObject({
  watch: z.looseObject({ version: z.number() }),
  grouper: z.looseObject({ groups: z.array(z.unknown()) }),
  lastRoundAt: z.number().optional(),
  pendingJobs: z.array(z.looseObject({ job: DeliveryJobSchema, leaseUntil: z.number() })).optional(),
});

/** The shared deps with the probe's config: the sections it reads, validated as in the whole config (probe-config.ts). */
const probeBaseDeps = sharedDeps(parseProbeConfigJson);

/** The probe's composition root, memoised per cold start. */
export const probeDeps: () => Promise<ProbeDeps> = memoDeps(async () => {
  const base = await probeBaseDeps();
  const { env, config, now, logger, secretTtlMs } = base;
  // Built once per cold start: the built-in runner keeps the scrape cost window between invocations of this container.
  const checkRunners = await createCheckRunners(config, config.targets.map((target) => ({ target })), { resolveSecret: resolveAwsSecret, logger });
  // One memo per token: ttlMemo keeps a resolved token for the TTL and forgets a failed read at once.
  const tokens = config.targets.map((target) => {
    const ref = target.token;
    return { target, token: ref ? ttlMemo(() => resolveAwsSecret(ref), secretTtlMs, now) : undefined };
  });
  return {
    ...base,
    queue: lazyJobQueue(env.QUEUE_URL, async () => (await import('./sqs-jobs.ts')).sharedSqsJobQueue({ queueUrl: env.QUEUE_URL, logger })),
    probeStore: () =>
      new DynamoStateStore<ProbeState>({ client: dynamo(), tableName: env.TABLE_NAME, key: PROBE_STATE_KEY, now, parse: (raw) => ProbeStateSchema.parse(raw) as unknown as ProbeState }),
    metrics: () => createMetricsPublisher({ client: cloudwatch(), namespace: env.METRICS_NAMESPACE, now, sanitizer: base.sanitizer() }),
    targets: () =>
      Promise.all(
        tokens.map(async ({ target, token }): Promise<ProbeTarget> => {
          if (!token) return { ok: true, resolved: { target } };
          const r = await settleClass(token);
          return r.ok ? { ok: true, resolved: { target, token: r.value } } : { ok: false, target, error: r.error };
        }),
      ),
    checkRunners: () => checkRunners,
  };
});
