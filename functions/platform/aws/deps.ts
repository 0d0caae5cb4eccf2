import { GetParameterCommand } from '@aws-sdk/client-ssm';
import * as z from 'zod';
import type { Config } from '../../config/schema.ts';
import type { SecretRef } from '../../config/secret-ref.ts';
import { createSanitizer, type Sanitizer } from '../../core/sanitize/index.ts';
import type { RunState } from '../../runtime/run-state.ts';
import type { DeliveryJob } from '../delivery/job.ts';
import type { RetryOptions } from '../delivery/retry.ts';
import { ConfigError } from '../errors.ts';
import { createLogger, type LogSink, type Logger } from '../logger.ts';
import { describeSecretRef, registeredSecretValues, resolveSecret, type Secret } from '../secrets.ts';
import { setAwsClientOptions, ssm, type AwsClientOptions } from './shared-clients.ts';
import { createAwsSecretProviders, SECRET_TTL_MS, setDefaultAwsSecretProviders } from './secret-providers.ts';

/**
 * The Lambda functions' environment: names and plain settings only — never a secret value (secrets are refs in
 * the config, or the id of the receiver's secret). Shared contract with serverless.yml.
 */
export const LambdaEnv = z.object({
  STAGE: z.string().min(1).default('dev'),
  TABLE_NAME: z.string().min(1),
  QUEUE_URL: z.url(),
  /** SSM parameter holding the config as JSON (the local config file's schema; `pooler-watch config-json` converts YAML). */
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

export const PROBE_STATE_KEY = 'state#probe';

/**
 * What every function shares, built once per cold start: the environment, the config (from SSM), the root
 * logger, the clock, the sanitizer. Each entry adds only what it uses on top (`probe-deps.ts`, `webhook-deps.ts`,
 * `dispatch-deps.ts`), so a function's bundle carries only its own SDK clients and code paths. `C` is the config
 * as that function validates it: the whole config (dispatch), or a view of the sections it reads (config-view.ts).
 */
export interface BaseDeps<C = Config> {
  env: LambdaEnv;
  config: C;
  now: () => number;
  /** The root logger (handlers get a child with the request id). */
  logger: Logger;
  /** Redacts every secret resolved so far. */
  sanitizer(): Sanitizer;
  /** Test seams for retry timing. */
  retry: Pick<RetryOptions, 'sleep' | 'random'>;
  /** Secret cache TTL (ms) of this cold start. */
  secretTtlMs: number;
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

let overrides: DepsOverrides = {};
let root: Logger | undefined;
/** Bumped by {@link resetDeps}: every memo of {@link memoDeps} built in an older generation is stale. */
let generation = 0;

/** Replace the overrides (tests) and forget the memoised deps. */
export function configureDeps(next: DepsOverrides): void {
  overrides = next;
  setAwsClientOptions(next.clients ?? {});
  resetDeps();
}

/** Forget the memoised deps (and the root logger): the next `*Deps()` builds them again, like a cold start. */
export function resetDeps(): void {
  generation += 1;
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
 * A composition root memoised per cold start (per {@link resetDeps} generation). A failure is not memoised, so
 * the next invocation retries (a transient SSM error does not poison the container).
 */
export function memoDeps<T>(build: () => Promise<T>): () => Promise<T> {
  let memo: { generation: number; value: Promise<T> } | undefined;
  return () => {
    if (memo && memo.generation === generation) return memo.value;
    const entry = {
      generation,
      value: build().catch((err: unknown) => {
        if (memo === entry) memo = undefined;
        throw err;
      }),
    };
    memo = entry;
    return entry.value;
  };
}

/** On AWS a secret is a Secrets Manager or SSM ref: `env` and `file` refs are refused (no secret in an env value). */
export async function resolveAwsSecret(ref: SecretRef): Promise<Secret> {
  if ('env' in ref || 'file' in ref) throw new ConfigError(`secret ${describeSecretRef(ref)}: on AWS use a secretsManager or ssm ref`);
  return resolveSecret(ref, {});
}

/** Validates the config parameter's JSON text; `source` names it in errors. */
export type ConfigParser<C> = (text: string, source: string) => C;

// JSON only: the YAML parser would add ~110 KB to every function's bundle for a format converted once, at deploy.
async function loadConfigParameter<C>(name: string, parse: ConfigParser<C>): Promise<C> {
  let value: string | undefined;
  try {
    const out = await ssm().send(new GetParameterCommand({ Name: name, WithDecryption: true }));
    value = out.Parameter?.Value;
  } catch (cause) {
    throw new ConfigError(`config parameter ${name}: cannot be read (${cause instanceof Error ? cause.name : 'error'})`, { cause });
  }
  if (value === undefined) throw new ConfigError(`config parameter ${name}: has no value`);
  return parse(value, `ssm:${name}`);
}

/** A value rebuilt after `ttlMs` (secrets: rotated values are picked up); a failed build is not kept. */
export function ttlMemo<T>(make: () => Promise<T>, ttlMs: number, now: () => number): () => Promise<T> {
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

/**
 * The shared part of every composition root: parse the environment and the config (from SSM, with `parseConfig`),
 * point the process-wide AWS clients and secret providers. Memoised per cold start like the roots built on it.
 * The parser is passed in so that this module imports no config schema: each function's bundle builds only the
 * one it validates with.
 */
export function sharedDeps<C>(parseConfig: ConfigParser<C>): () => Promise<BaseDeps<C>> {
  return memoDeps(async () => {
    const env = parseLambdaEnv(currentEnv());
    const now = overrides.now ?? Date.now;
    const logger = rootLogger();
    setAwsClientOptions(overrides.clients ?? {});
    const secretTtlMs = overrides.secretTtlMs ?? SECRET_TTL_MS;
    setDefaultAwsSecretProviders(createAwsSecretProviders({ ttlMs: secretTtlMs, now }));
    const config = await loadConfigParameter(env.CONFIG_PARAMETER, parseConfig);
    return {
      env,
      config,
      now,
      logger,
      sanitizer: () => createSanitizer({ secrets: registeredSecretValues() }),
      retry: overrides.retry ?? {},
      secretTtlMs,
    };
  });
}
