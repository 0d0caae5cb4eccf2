import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { SSMClient } from '@aws-sdk/client-ssm';
import * as z from 'zod';
import type { SecretRef } from '../../config/secret-ref.ts';
import { ConfigError } from '../errors.ts';
import { describeSecretRef } from '../secrets.ts';
import { ssm as sharedSsm } from './shared-clients.ts';

export type SecretsManagerRef = Extract<SecretRef, { secretsManager: unknown }>;
export type SsmRef = Extract<SecretRef, { ssm: unknown }>;

/** Options of {@link createAwsSecretProviders}. */
export interface AwsSecretProviderOptions {
  /**
   * Default: the process-wide client (`secrets-manager-client.ts`), loaded with the Secrets Manager SDK on the
   * first secretsManager ref: a config whose secrets are all in SSM never loads it.
   */
  secretsManager?: () => SecretsManagerClient;
  ssm?: () => SSMClient;
  /** How long a fetched value is reused; default 5 minutes (rotation is picked up within that). */
  ttlMs?: number;
  now?: () => number;
}

/** Providers for the AWS ref kinds, plugged into the provider map of `platform/secrets.ts`. */
export interface AwsSecretProviders {
  secretsManager(ref: SecretsManagerRef): Promise<string>;
  ssm(ref: SsmRef): Promise<string>;
  /** Forget every cached value (tests, or after a rotation event). */
  clear(): void;
}

/** How long a fetched secret (or the config) is reused before it is fetched again: rotation is picked up within it. */
export const SECRET_TTL_MS = 5 * 60_000;
const SecretValue = z.object({ SecretString: z.string().optional() });
const ParameterValue = z.object({ Parameter: z.object({ Value: z.string().optional() }).optional() });
const NOT_FOUND = new Set(['ResourceNotFoundException', 'ParameterNotFound']);

/**
 * Secrets Manager and SSM providers with an in-memory TTL cache keyed by secret id / parameter name, so a
 * warm Lambda resolving the same refs per invocation fetches them once per TTL (concurrent resolutions share
 * one request). A Secrets Manager secret is fetched once for all of its `key`s. Failures are not cached.
 * Errors name the ref and the AWS error name, never a value or an AWS message.
 */
export function createAwsSecretProviders(options: AwsSecretProviderOptions = {}): AwsSecretProviders {
  const getSsm = options.ssm ?? sharedSsm;
  const ttlMs = options.ttlMs ?? SECRET_TTL_MS;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { at: number; value: Promise<string> }>();

  const cached = (key: string, fetch: () => Promise<string>): Promise<string> => {
    const hit = cache.get(key);
    if (hit && now() - hit.at < ttlMs) return hit.value;
    const value = fetch();
    cache.set(key, { at: now(), value });
    value.catch(() => {
      if (cache.get(key)?.value === value) cache.delete(key);
    });
    return value;
  };

  const failure = (ref: SecretRef, cause: unknown): ConfigError => {
    const name = cause instanceof Error ? cause.name : 'error';
    const why = NOT_FOUND.has(name) ? 'not found' : name === 'AccessDeniedException' ? 'access denied' : 'cannot be read';
    return new ConfigError(`secret ${describeSecretRef(ref)}: ${why} (${name})`, { cause });
  };

  return {
    async secretsManager(ref) {
      const { id, key } = ref.secretsManager;
      const whole = await cached(`secretsManager:${id}`, async () => {
        const sm = await import('./secrets-manager-client.ts');
        let out: unknown;
        try {
          out = await sm.getSecretValue((options.secretsManager ?? sm.secretsManager)(), id);
        } catch (cause) {
          throw failure({ secretsManager: { id } }, cause);
        }
        const text = SecretValue.safeParse(out);
        if (!text.success || text.data.SecretString === undefined) {
          throw new ConfigError(`secret ${describeSecretRef({ secretsManager: { id } })}: no SecretString (binary secrets are not supported)`);
        }
        return text.data.SecretString;
      });
      return key === undefined ? whole : field(ref, whole, key);
    },
    async ssm(ref) {
      const { name } = ref.ssm;
      return cached(`ssm:${name}`, async () => {
        let out: unknown;
        try {
          out = await getSsm().send(new GetParameterCommand({ Name: name, WithDecryption: true }));
        } catch (cause) {
          throw failure(ref, cause);
        }
        const parsed = ParameterValue.safeParse(out);
        const value = parsed.success ? parsed.data.Parameter?.Value : undefined;
        if (value === undefined) throw new ConfigError(`secret ${describeSecretRef(ref)}: parameter has no value`);
        return value;
      });
    },
    clear: () => cache.clear(),
  };
}

/** One string field of a JSON SecretString (the console's key/value secrets). */
function field(ref: SecretsManagerRef, whole: string, key: string): string {
  let parsed: unknown;
  try {
    parsed = JSON.parse(whole);
  } catch {
    // No cause: a JSON.parse message quotes the text it choked on.
    throw new ConfigError(`secret ${describeSecretRef(ref)}: SecretString is not JSON, so it has no key`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError(`secret ${describeSecretRef(ref)}: SecretString is not a JSON object`);
  }
  const value: unknown = Object.hasOwn(parsed, key) ? (parsed as Record<string, unknown>)[key] : undefined;
  if (value === undefined) throw new ConfigError(`secret ${describeSecretRef(ref)}: key not found`);
  if (typeof value !== 'string') throw new ConfigError(`secret ${describeSecretRef(ref)}: key is not a string`);
  return value;
}

let defaults: AwsSecretProviders | undefined;

/** The process-wide providers `resolveSecret` uses (the process-wide clients, 5-minute cache). */
export function defaultAwsSecretProviders(): AwsSecretProviders {
  return (defaults ??= createAwsSecretProviders());
}

/** Replace the process-wide providers (composition root with a custom TTL, tests); `undefined` resets them. */
export function setDefaultAwsSecretProviders(providers: AwsSecretProviders | undefined): void {
  defaults = providers;
}
