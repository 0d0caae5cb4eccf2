import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import type { ReceiverAuth } from '../receiver/auth.ts';
import { jsonResponse } from '../receiver/responses.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { Secret } from '../secrets.ts';
import { rootLogger } from './deps.ts';

/**
 * The Lambda context as our chain sees it: the runtime's, plus what our middlewares add (the request's logger with
 * `awsRequestId`, the receiver's credentials). Optional, so the exported handler still takes a plain `Context`.
 */
export type PwContext = Context & { log?: Logger; receiverAuth?: ReceiverAuth };

/** The request's logger set by the chain (the root logger if a handler runs outside it). */
export function requestLog(context: PwContext): Logger {
  return context.log ?? rootLogger().child({ awsRequestId: context.awsRequestId });
}

/**
 * middy's timeout guard: this long before the Lambda deadline the handler's `signal` aborts and the invocation
 * fails with a TimeoutError we control, instead of being killed mid-write. Retry loops stop earlier still: they
 * are bounded by `deadlineFrom(context)`.
 */
export const TIMEOUT_EARLY_MS = 1_000;
/** Margin kept between our own work's deadline and the Lambda deadline (the guard, a final write, the response). */
export const DEADLINE_MARGIN_MS = 3_000;

/** The invocation's safe deadline (ms, on `now`'s clock): remaining time minus {@link DEADLINE_MARGIN_MS}. */
export function deadlineFrom(context: Pick<Context, 'getRemainingTimeInMillis'>, now: () => number, marginMs = DEADLINE_MARGIN_MS): number {
  return now() + Math.max(0, context.getRemainingTimeInMillis() - marginMs);
}

/** A failure as the Lambda runtime reports it: the function and the error's class, never its message or cause. */
export class LambdaFailure extends AppError {
  override name = 'LambdaFailure';
}

class LambdaTimeout extends AppError {
  override name = 'TimeoutError';
}

const errorName = (err: unknown): string => (err instanceof Error && /^[A-Za-z0-9_.$]{1,64}$/.test(err.name) ? err.name : 'Error');

/** Adds `context.log`: the root logger with the function name, stage and `awsRequestId` on every line. */
function requestLogger(fn: string): MiddlewareObj<unknown, unknown, Error, PwContext> {
  return {
    before: (request) => {
      request.context.log = rootLogger().child({ fn, awsRequestId: request.context.awsRequestId });
    },
  };
}

/**
 * The last word on errors: one `error` log line (name and redacted message; the logger never writes stacks or raw
 * causes), then for HTTP a bare 500 `{"error":"internal error"}`, otherwise a {@link LambdaFailure} that names only
 * the error class, so the invocation fails (and its event source retries) without exposing internals.
 */
function errorHandler(fn: string, http: boolean): MiddlewareObj<unknown, unknown, Error, PwContext> {
  return {
    onError: (request) => {
      const err = request.error;
      const log = request.context.log ?? rootLogger().child({ fn, awsRequestId: request.context.awsRequestId });
      log.error('invocation failed', { error: err });
      if (http) {
        const r = jsonResponse(500, { error: 'internal error' });
        request.response = { statusCode: r.status, headers: r.headers, body: r.body };
        return;
      }
      request.error = new LambdaFailure(`${fn} failed (${errorName(err)})`);
    },
  };
}

/** Options of {@link lambdaChain}. */
export interface ChainOptions {
  /** An HTTP API function: errors become a bare 500 response instead of a failed invocation. */
  http?: boolean;
  timeoutEarlyMs?: number;
}

/**
 * The shared middy chain of every entry point: request logger, error handler and the timeout guard. An entry adds
 * its own middlewares (e.g. `receiverSecret` of receiver-secret.ts) and one `.handler(...)` call.
 */
export function lambdaChain<TEvent, TResult>(fn: string, options: ChainOptions = {}) {
  return middy<TEvent, TResult, Error, PwContext>({
    timeoutEarlyInMillis: options.timeoutEarlyMs ?? TIMEOUT_EARLY_MS,
    timeoutEarlyResponse: () => {
      throw new LambdaTimeout(`${fn}: stopped before the Lambda deadline`);
    },
  })
    .use(requestLogger(fn))
    .use(errorHandler(fn, options.http === true));
}

/**
 * The receiver's credentials from a Secrets Manager secret: a plain string is a bearer token, JSON
 * `{"username","password"}` basic auth. Anything else configures nothing, and every request is refused (401).
 */
export function receiverAuthFromSecret(value: unknown): ReceiverAuth {
  if (typeof value === 'string' && value.trim() !== '') return { bearer: new Secret(value.replace(/\r?\n$/, '')) };
  if (typeof value === 'object' && value !== null) {
    const { username, password } = value as Record<string, unknown>;
    if (typeof username === 'string' && typeof password === 'string' && username !== '' && password !== '') {
      return { basic: { username: new Secret(username), password: new Secret(password) } };
    }
  }
  return {};
}
