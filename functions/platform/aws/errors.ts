import { StateError } from '../errors.ts';

/**
 * A conditional write lost: another writer committed since this one read (`version` moved). The caller
 * reloads and re-applies its change, or gives up the round (the other invocation already did it).
 */
export class StateConflictError extends StateError {
  override name = 'StateConflictError';
  /** The version this writer based its change on (0 = expected no item). */
  readonly expectedVersion: number;

  constructor(key: string, expectedVersion: number, options?: { cause?: unknown }) {
    super(`state ${key}: version moved (expected ${expectedVersion}); another writer committed first`, key, options);
    this.expectedVersion = expectedVersion;
  }
}

/** Whether an AWS SDK error is a failed `ConditionExpression`. */
export function isConditionalCheckFailed(err: unknown): boolean {
  return err instanceof Error && err.name === 'ConditionalCheckFailedException';
}

/**
 * An error's class for a log line or a finding, never its message (which may name a secret ref): the AWS error a
 * ConfigError wraps (`ResourceNotFoundException`, `AccessDeniedException`, …) when there is one, else its own name.
 */
export function errorClass(err: unknown): string {
  if (!(err instanceof Error)) return 'error';
  const cause: unknown = err.cause;
  return cause instanceof Error && cause.name !== 'Error' ? cause.name : err.name;
}

/**
 * `f`'s value, or the class of its error: for what is read per item (a token, a channel) where one failure must fail
 * only its own item. The class names the cause without its message, which could carry a secret's name or value.
 */
export async function settleClass<T>(f: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await f() };
  } catch (err) {
    return { ok: false, error: errorClass(err) };
  }
}
