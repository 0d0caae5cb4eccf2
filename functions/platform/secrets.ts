import { readFile } from 'node:fs/promises';
import { inspect } from 'node:util';
import type { SecretRef } from '../config/secret-ref.ts';
import { ConfigError } from './errors.ts';

const MASK = '<secret>';

/**
 * Every resolved secret value in this process (plus its URL-encoded form), so the logger and the
 * sanitizer can redact it literally wherever it turns up. Process-wide on purpose: a value read once
 * must stay redacted for the lifetime of the process, whoever logs it.
 */
const registry = new Set<string>();
let sortedCache: readonly string[] | undefined;

function register(value: string): void {
  for (const form of [value, encodeURIComponent(value)]) {
    if (form !== '' && !registry.has(form)) {
      registry.add(form);
      sortedCache = undefined;
    }
  }
}

/**
 * Registers a value derived from a secret that none of the secret's encoded forms would match, such as the base64 of
 * a Basic header's `user:password`, so it is redacted like the secret itself.
 */
export function registerDerivedSecret(value: string): void {
  register(value);
}

/** Short-lived credentials by slot (one per credential source): the current values and the ones they replaced. */
const rotating = new Map<string, { current: readonly string[]; previous: readonly string[] }>();

/**
 * Registers credentials that rotate (AWS session credentials, renewed about hourly): a slot keeps only its current
 * values and the ones just before them, which a message being built may still hold. Expired credentials are of no
 * use to anyone, and the permanent registry would otherwise grow with every rotation for the life of the process.
 */
export function registerRotating(slot: string, values: readonly string[]): void {
  const forms = [...new Set(values.flatMap((v) => [v, encodeURIComponent(v)]))].filter((f) => f !== '');
  const held = rotating.get(slot);
  if (held && held.current.length === forms.length && held.current.every((f, i) => f === forms[i])) return;
  rotating.set(slot, { current: forms, previous: held?.current ?? [] });
  sortedCache = undefined;
}

/** Registered secret values, longest first (so a secret containing another is replaced whole). */
export function registeredSecretValues(): readonly string[] {
  if (!sortedCache) {
    const all = new Set(registry);
    for (const { current, previous } of rotating.values()) for (const f of [...current, ...previous]) all.add(f);
    sortedCache = [...all].sort((a, b) => b.length - a.length);
  }
  return sortedCache;
}

/**
 * A secret value that cannot leak by accident: string conversion, JSON and `util.inspect` all give
 * `<secret>`; only `reveal()` returns the value, so every use is greppable.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
    register(value);
  }

  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return MASK;
  }

  toJSON(): string {
    return MASK;
  }

  [inspect.custom](): string {
    return MASK;
  }
}

/** Environment used by providers; injectable so tests never touch the real `process.env`. */
export type SecretEnv = Readonly<Record<string, string | undefined>>;

type RefKind = SecretRef extends infer R ? (R extends R ? keyof R & string : never) : never;
type RefOf<K extends RefKind> = Extract<SecretRef, Record<K, unknown>>;

/** The AWS providers, loaded on first use so the local runtime never loads the AWS SDK. */
const aws = () => import('./aws/secret-providers.ts').then((m) => m.defaultAwsSecretProviders());

/**
 * One provider per ref kind; the `satisfies` keeps the map exhaustive over the union. The AWS kinds
 * (Secrets Manager, SSM) live in `./aws/secret-providers.ts`, with a TTL cache for warm Lambdas.
 */
const providers = {
  env: async (ref: RefOf<'env'>, env: SecretEnv): Promise<string> => {
    const value = env[ref.env];
    if (value === undefined) throw new ConfigError(`secret ${describeSecretRef(ref)} is not set`);
    return value;
  },
  file: async (ref: RefOf<'file'>): Promise<string> => {
    try {
      return await readFile(ref.file, 'utf8');
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'not found' : `unreadable (${code ?? 'error'})`;
      throw new ConfigError(`secret ${describeSecretRef(ref)}: file ${why}`, { cause });
    }
  },
  secretsManager: async (ref: RefOf<'secretsManager'>): Promise<string> => (await aws()).secretsManager(ref),
  ssm: async (ref: RefOf<'ssm'>): Promise<string> => (await aws()).ssm(ref),
} satisfies { [K in RefKind]: (ref: RefOf<K>, env: SecretEnv) => Promise<string> };

function fetchRaw(ref: SecretRef, env: SecretEnv): Promise<string> {
  if ('env' in ref) return providers.env(ref, env);
  if ('file' in ref) return providers.file(ref);
  if ('secretsManager' in ref) return providers.secretsManager(ref);
  return providers.ssm(ref);
}

/** A secret ref as text for messages: names where the secret lives, never its value. */
export function describeSecretRef(ref: SecretRef): string {
  if ('env' in ref) return `env:${ref.env}`;
  if ('file' in ref) return `file:${ref.file}`;
  if ('secretsManager' in ref) return `secretsManager:${ref.secretsManager.id}${ref.secretsManager.key === undefined ? '' : `#${ref.secretsManager.key}`}`;
  return `ssm:${ref.ssm.name}`;
}

/**
 * Resolve a secret reference. One trailing newline is trimmed (files written by `echo` or mounted from a
 * Kubernetes Secret often end with one). An empty or whitespace-only value is a ConfigError naming the ref.
 */
export async function resolveSecret(ref: SecretRef, env: SecretEnv = process.env): Promise<Secret> {
  const raw = await fetchRaw(ref, env);
  const value = raw.replace(/\r?\n$/, '');
  if (value.trim() === '') throw new ConfigError(`secret ${describeSecretRef(ref)} is empty`);
  return new Secret(value);
}
