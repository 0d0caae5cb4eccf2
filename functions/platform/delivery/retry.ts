import { jitteredBackoff } from '../backoff.ts';
import { ChannelError } from '../errors.ts';

/** What each attempt gets: an abort signal (fires at the attempt timeout), its time budget, its number (1-based). */
export interface AttemptContext {
  signal: AbortSignal;
  timeoutMs: number;
  attempt: number;
}

/** One attempt's outcome, for the caller's log line (design.md: one outcome line per attempt). */
export interface AttemptReport {
  attempt: number;
  durationMs: number;
  /** undefined on success. */
  error?: ChannelError;
  /** The wait before the next attempt, when there will be one. */
  retryInMs?: number;
}

/** Options of {@link deliverWithRetry}. */
export interface RetryOptions {
  /** Absolute deadline, ms since epoch on the `now` clock: no attempt starts and no wait ends after it. */
  deadlineMs: number;
  /** First backoff ceiling; default 500 ms. */
  baseDelayMs?: number;
  /** Backoff ceiling cap; default 30 s (a vendor's Retry-After may exceed it and is still honoured). */
  maxDelayMs?: number;
  /** Default 6; counts {@link attemptsMade} too. */
  maxAttempts?: number;
  /**
   * Attempts an earlier call already made at this delivery (an earlier drain): numbering, backoff and
   * `maxAttempts` continue from there. Default 0.
   */
  attemptsMade?: number;
  /**
   * No attempt starts before this (ms since epoch): the wait an earlier call owed (Retry-After or backoff). If it
   * falls at or after the deadline, nothing is attempted and the result's `retryAt` says when it falls.
   */
  notBeforeMs?: number;
  /** Default 10 s; each attempt also gets no more than the time left before the deadline. */
  perAttemptTimeoutMs?: number;
  /** Channel id for errors that are not ChannelErrors; default `unknown`. */
  channel?: string;
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1); default Math.random (full jitter). */
  random?: () => number;
  /** Aborts the whole delivery (e.g. shutdown); the in-flight attempt is aborted too. */
  signal?: AbortSignal;
  onAttempt?: (report: AttemptReport) => void;
}

/**
 * `attempts` counts {@link RetryOptions.attemptsMade} too. On failure, `retryAt` is set when only the deadline
 * stopped it (the error is retryable, attempts are left, not aborted): when the next attempt was due.
 */
export type RetryResult<T> = { ok: true; value: T; attempts: number } | { ok: false; error: ChannelError; attempts: number; retryAt?: number };

/** Attempts per delivery unless told otherwise. */
export const DEFAULT_MAX_ATTEMPTS = 6;

/** Sleeps `ms`, returning early (without throwing) when `signal` aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}

/**
 * Turns anything a channel threw into a ChannelError. A foreign error becomes non-retryable
 * `unexpected <ErrorName>`: its message is dropped because it might carry a URL or a token.
 */
export function toChannelError(err: unknown, channel: string): ChannelError {
  if (err instanceof ChannelError) return err;
  const raw = err instanceof Error ? err.name : typeof err;
  const name = /^[A-Za-z0-9_$.]{1,64}$/.test(raw) ? raw : 'Error';
  return new ChannelError({ channel, reason: `unexpected ${name}`, retryable: false });
}

/**
 * Calls `send` until it succeeds, fails for good, runs out of attempts or would cross the deadline.
 * Backoff is exponential with full jitter (`random() * min(maxDelay, base * 2^(n-1))`), and at least the
 * vendor's Retry-After. Only `ChannelError.retryable` errors are retried. If the next wait would end at or
 * after the deadline, it stops at once and returns the last failure (with `retryAt`) instead of sleeping past it,
 * so a later call can go on where this one stopped (`attemptsMade`, `notBeforeMs`). Each attempt is raced against
 * its own timeout, so a channel that ignores its signal cannot hang a drain.
 */
export async function deliverWithRetry<T>(send: (ctx: AttemptContext) => Promise<T>, opts: RetryOptions): Promise<RetryResult<T>> {
  const now = opts.now ?? Date.now;
  const sleep = opts.sleep ?? abortableSleep;
  const random = opts.random ?? Math.random;
  const base = opts.baseDelayMs ?? 500;
  const cap = opts.maxDelayMs ?? 30_000;
  const maxAttempts = Math.max(1, opts.maxAttempts ?? DEFAULT_MAX_ATTEMPTS);
  const perAttempt = opts.perAttemptTimeoutMs ?? 10_000;
  const channel = opts.channel ?? 'unknown';
  const made = Math.max(0, Math.floor(opts.attemptsMade ?? 0));
  let last: ChannelError | undefined;
  const notBefore = opts.notBeforeMs ?? -Infinity;
  if (made < maxAttempts && notBefore > now() && !opts.signal?.aborted) {
    if (notBefore >= opts.deadlineMs) return { ok: false, error: new ChannelError({ channel, reason: 'retry not yet due', retryable: true }), attempts: made, retryAt: notBefore };
    await sleep(Math.round(notBefore - now()), opts.signal);
  }
  for (let attempt = made + 1; attempt <= maxAttempts; attempt++) {
    const remaining = opts.deadlineMs - now();
    if (opts.signal?.aborted) return fail(last ?? new ChannelError({ channel, reason: 'aborted', retryable: true }), attempt - 1);
    if (remaining <= 0) return fail(last ?? new ChannelError({ channel, reason: 'deadline exceeded', retryable: true }), attempt - 1);
    const timeoutMs = Math.min(perAttempt, remaining);
    const started = now();
    try {
      const value = await attemptOnce(send, { attempt, timeoutMs, channel, signal: opts.signal });
      opts.onAttempt?.({ attempt, durationMs: now() - started });
      return { ok: true, value, attempts: attempt };
    } catch (err) {
      last = toChannelError(err, channel);
      const durationMs = now() - started;
      const wait = Math.round(Math.max(last.retryAfterMs ?? 0, jitteredBackoff(attempt, base, cap, random)));
      const wanted = last.retryable && attempt < maxAttempts && !opts.signal?.aborted;
      const retry = wanted && now() + wait < opts.deadlineMs;
      opts.onAttempt?.({ attempt, durationMs, error: last, ...(retry ? { retryInMs: wait } : {}) });
      if (!retry) return { ok: false, error: last, attempts: attempt, ...(wanted ? { retryAt: now() + wait } : {}) };
      await sleep(wait, opts.signal);
    }
  }
  return fail(last ?? new ChannelError({ channel, reason: 'no attempt made', retryable: true }), Math.max(made, maxAttempts));
}

function fail<T>(error: ChannelError, attempts: number): RetryResult<T> {
  return { ok: false, error, attempts };
}

async function attemptOnce<T>(
  send: (ctx: AttemptContext) => Promise<T>,
  a: { attempt: number; timeoutMs: number; channel: string; signal: AbortSignal | undefined },
): Promise<T> {
  const ctrl = new AbortController();
  let timedOut = false;
  let onTimeout: () => void = () => undefined;
  const expired = new Promise<never>((_, reject) => {
    onTimeout = () => reject(new ChannelError({ channel: a.channel, reason: 'timeout', retryable: true }));
  });
  expired.catch(() => undefined);
  const timer = setTimeout(() => {
    timedOut = true;
    ctrl.abort();
    onTimeout();
  }, a.timeoutMs);
  const forward = () => ctrl.abort();
  a.signal?.addEventListener('abort', forward, { once: true });
  try {
    return await Promise.race([send({ signal: ctrl.signal, timeoutMs: a.timeoutMs, attempt: a.attempt }), expired]);
  } catch (err) {
    // Our own timer aborted the request: report a timeout whatever the channel made of the abort.
    if (timedOut) throw new ChannelError({ channel: err instanceof ChannelError ? err.channel : a.channel, reason: 'timeout', retryable: true });
    throw err;
  } finally {
    clearTimeout(timer);
    a.signal?.removeEventListener('abort', forward);
  }
}
