import { GetParameterCommand } from '@aws-sdk/client-ssm';
import { z } from 'zod';
import type { Channel } from '../../channels/channel.ts';
import { createChannel } from '../../channels/registry.ts';
import { parseConfig } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import type { SecretRef } from '../../config/secret-ref.ts';
import { createSanitizer, type Sanitizer } from '../../core/sanitize/index.ts';
import type { ResolvedTarget } from '../../runtime/probe-round.ts';
import type { RunState } from '../../runtime/run.ts';
import { DeliveryJobSchema, type DeliveryJob } from '../delivery/job.ts';
import type { RetryOptions } from '../delivery/retry.ts';
import { ConfigError } from '../errors.ts';
import { sendHttp } from '../http.ts';
import { createLogger, type LogSink, type Logger } from '../logger.ts';
import { describeSecretRef, registeredSecretValues, resolveSecret, type Secret } from '../secrets.ts';
import { configureAwsClients, type AwsClientOptions, type AwsClients } from './clients.ts';
import { createMetricsPublisher, type MetricsPublisher } from './cloudwatch-metrics.ts';
import { DynamoLedger } from './dynamo-ledger.ts';
import { DynamoStateStore } from './dynamo-state-store.ts';
import { createAwsSecretProviders, setDefaultAwsSecretProviders } from './secret-providers.ts';
import { createSqsJobQueue, type SqsJobQueue } from './sqs-jobs.ts';

/**
 * The Lambda functions' environment: names and plain settings only — never a secret value (secrets are refs in
 * the config, or the id of the receiver's secret). Shared contract with serverless.yml.
 */
export const LambdaEnv = z.object({
  STAGE: z.string().min(1).default('dev'),
  TABLE_NAME: z.string().min(1),
  QUEUE_URL: z.url(),
  /** SSM parameter holding the config (YAML or JSON, the local config file's schema). */
  CONFIG_PARAMETER: z.string().min(1),
  METRICS_NAMESPACE: z.string().min(1).max(255).default('PoolerWatch'),
  /** Secrets Manager secret with the receiver's bearer token, or JSON `{"username","password"}`. */
  RECEIVER_SECRET_ID: z.string().min(1).optional(),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error']).default('info'),
});
export type LambdaEnv = z.infer<typeof LambdaEnv>;

/**
 * Parses the environment; a ConfigError names the bad variables, never their values. An empty variable counts as
 * unset (CloudFormation renders an unset parameter as ""), so its default applies.
 */
export function parseLambdaEnv(env: Readonly<Record<string, string | undefined>>): LambdaEnv {
  const parsed = LambdaEnv.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== '')));
  if (!parsed.success) throw new ConfigError(`environment: invalid ${[...new Set(parsed.error.issues.map((i) => i.path.join('.')))].join(', ')}`);
  return parsed.data;
}

/** A job written ahead into the probe state, leased by the invocation that is sending it until `leaseUntil`. */
export interface PendingJob {
  job: DeliveryJob;
  /** Until then (ms) the committing invocation may still be sending it; after it, any round resends it. */
  leaseUntil: number;
}

/** What the probe keeps in DynamoDB (`state#probe`): the local run state plus its write-ahead job list. */
export interface ProbeState extends RunState {
  /** Time of the last committed round: an invocation whose scrape is not newer gives up (it was overtaken). */
  lastRoundAt?: number;
  pendingJobs?: PendingJob[];
}

const ProbeStateSchema = z.looseObject({
  watch: z.looseObject({ version: z.number() }),
  grouper: z.looseObject({ groups: z.array(z.unknown()) }),
  lastRoundAt: z.number().optional(),
  pendingJobs: z.array(z.looseObject({ job: DeliveryJobSchema, leaseUntil: z.number() })).optional(),
});

export const PROBE_STATE_KEY = 'state#probe';

/** Everything the three functions use, built once per cold start. */
export interface AwsDeps {
  env: LambdaEnv;
  config: Config;
  now: () => number;
  /** The root logger (handlers get a child with the request id). */
  logger: Logger;
  clients: AwsClients;
  ledger: DynamoLedger;
  queue: SqsJobQueue;
  /** A fresh store per invocation (it tracks the version it loaded). */
  probeStore(): DynamoStateStore<ProbeState>;
  /** A fresh buffer per invocation. */
  metrics(): MetricsPublisher;
  /** Targets with their tokens; re-resolved after the secret TTL. */
  targets(): Promise<ResolvedTarget[]>;
  /** Receivers' channels (dispatch only); rebuilt after the secret TTL so rotated secrets are picked up. */
  channels(): Promise<Map<string, Channel>>;
  /** Redacts every secret resolved so far. */
  sanitizer(): Sanitizer;
  /** Test seams for retry timing. */
  retry: Pick<RetryOptions, 'sleep' | 'random'>;
}

/** What tests (or a non-Lambda host) can override; production passes nothing. */
export interface DepsOverrides {
  env?: Readonly<Record<string, string | undefined>>;
  clients?: AwsClientOptions;
  now?: () => number;
  logStream?: LogSink;
  /** Secret cache TTL; default 5 minutes. */
  secretTtlMs?: number;
  retry?: Pick<RetryOptions, 'sleep' | 'random'>;
}

const SECRET_TTL_MS = 5 * 60_000;

let overrides: DepsOverrides = {};
let memo: Promise<AwsDeps> | undefined;
let root: Logger | undefined;

/** Replace the overrides (tests) and forget the memoised deps. */
export function configureDeps(next: DepsOverrides): void {
  overrides = next;
  configureAwsClients(next.clients ?? {});
  resetDeps();
}

/** Forget the memoised deps (and the root logger): the next `getDeps()` builds them again, like a cold start. */
export function resetDeps(): void {
  memo = undefined;
  root = undefined;
}

const currentEnv = (): Readonly<Record<string, string | undefined>> => overrides.env ?? process.env;

/** The root JSON logger (stderr, or the test stream), at `LOG_LEVEL`. Usable even when the config is broken. */
export function rootLogger(): Logger {
  if (root) return root;
  const level = LambdaEnv.shape.LOG_LEVEL.safeParse(currentEnv().LOG_LEVEL);
  root = createLogger({ level: level.success ? level.data : 'info', ...(overrides.logStream ? { stream: overrides.logStream } : {}), ...(overrides.now ? { now: overrides.now } : {}) });
  return root;
}

/**
 * The composition root, memoised per cold start: parse the environment and the config (from SSM), point the
 * process-wide AWS clients and secret providers, build the ledger, queue and factories. A failure is not
 * memoised, so the next invocation retries (a transient SSM error does not poison the container).
 */
export function getDeps(): Promise<AwsDeps> {
  memo ??= build().catch((err: unknown) => {
    memo = undefined;
    throw err;
  });
  return memo;
}

/** On AWS a secret is a Secrets Manager or SSM ref: `env` and `file` refs are refused (no secret in an env value). */
export async function resolveAwsSecret(ref: SecretRef): Promise<Secret> {
  if ('env' in ref || 'file' in ref) throw new ConfigError(`secret ${describeSecretRef(ref)}: on AWS use a secretsManager or ssm ref`);
  return resolveSecret(ref, {});
}

async function loadConfigParameter(clients: AwsClients, name: string): Promise<Config> {
  let value: string | undefined;
  try {
    const out = await clients.ssm().send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    value = out.Parameter?.Value;
  } catch (cause) {
    throw new ConfigError(`config parameter ${name}: cannot be read (${cause instanceof Error ? cause.name : 'error'})`, { cause });
  }
  if (value === undefined) throw new ConfigError(`config parameter ${name}: has no value`);
  return parseConfig(value, `ssm:${name}`);
}

function ttlMemo<T>(make: () => Promise<T>, ttlMs: number, now: () => number): () => Promise<T> {
  let cached: { at: number; value: Promise<T> } | undefined;
  return () => {
    if (cached && now() - cached.at < ttlMs) return cached.value;
    const value = make();
    const entry = { at: now(), value };
    cached = entry;
    value.catch(() => {
      if (cached === entry) cached = undefined;
    });
    return value;
  };
}

async function build(): Promise<AwsDeps> {
  const env = parseLambdaEnv(currentEnv());
  const now = overrides.now ?? Date.now;
  const logger = rootLogger();
  const clients = configureAwsClients(overrides.clients ?? {});
  const ttlMs = overrides.secretTtlMs ?? SECRET_TTL_MS;
  setDefaultAwsSecretProviders(createAwsSecretProviders({ ttlMs, now }));
  const config = await loadConfigParameter(clients, env.CONFIG_PARAMETER);
  const ledger = new DynamoLedger({ client: clients.dynamo(), tableName: env.TABLE_NAME, now });
  const queue = createSqsJobQueue({ client: clients.sqs(), queueUrl: env.QUEUE_URL, logger });
  const channelDeps = { resolveSecret: resolveAwsSecret, http: sendHttp, now };
  return {
    env,
    config,
    now,
    logger,
    clients,
    ledger,
    queue,
    probeStore: () =>
      new DynamoStateStore<ProbeState>({ client: clients.dynamo(), tableName: env.TABLE_NAME, key: PROBE_STATE_KEY, now, parse: (raw) => ProbeStateSchema.parse(raw) as unknown as ProbeState }),
    metrics: () => createMetricsPublisher({ client: clients.cloudwatch(), namespace: env.METRICS_NAMESPACE, now, sanitizer: createSanitizer({ secrets: registeredSecretValues() }) }),
    targets: ttlMemo(
      () => Promise.all(config.targets.map(async (target) => ({ target, ...(target.token ? { token: await resolveAwsSecret(target.token) } : {}) }))),
      ttlMs,
      now,
    ),
    channels: ttlMemo(
      async () => new Map(await Promise.all(config.receivers.map(async (r) => [r.name, await createChannel(r.name, r.channel, channelDeps)] as const))),
      ttlMs,
      now,
    ),
    sanitizer: () => createSanitizer({ secrets: registeredSecretValues() }),
    retry: overrides.retry ?? {},
  };
}
