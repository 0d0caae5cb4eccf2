import type { Readable } from 'node:stream';
import axios from 'axios';
import type { AxiosResponse } from 'axios';
import type { Target } from '../config/schema.ts';
import type { Evidence } from '../core/types.ts';
import { watchConnects } from './connect-watch.ts';
import type { ConnectWatch } from './connect-watch.ts';
import { safeUrl } from './safe-url.ts';
import { scrapeFailedFinding } from './scrape-failure.ts';
import type { ScrapeFailureReason } from './scrape-failure.ts';
import type { ScrapeFailed, ScrapeOptions } from './scrape.ts';
import { RunbookSelectors } from '../config/metric-names.ts';

/**
 * What the /metrics scrape and the PromQL source share: one time budget per target (total timeout, connect
 * timeout, caller cancellation, an optional size abort), and the classification of transport errors into
 * secret-free failures.
 */

export const MAX_REDIRECTS = 5;
const DEFAULT_JOB = RunbookSelectors.parse({}).job;

export type AbortWhy = 'connect-timeout' | 'timeout' | 'caller' | 'too-large';

/** A classified failure, before it becomes a finding. `detail` and `extra` must be secret- and body-free. */
export interface Failure {
  reason: ScrapeFailureReason;
  detail: string;
  status?: number;
  extra?: Evidence;
  /** Overrides the reason's default hint (a PromQL API is not an app's /metrics). */
  hint?: string;
}

/**
 * One GET of a target within its budget, the body left as a stream for a capped read; every status is returned, the
 * caller classifies it. `headers` add to (and may replace) the shared ones.
 */
export function getStream(url: string, headers: Record<string, string>, budget: RequestBudget, maxRedirects: number): Promise<AxiosResponse<Readable>> {
  return axios.request<Readable>({
    url,
    method: 'GET',
    headers: { 'Accept-Encoding': 'gzip', 'User-Agent': 'pooler-watch', ...headers },
    responseType: 'stream',
    decompress: true,
    maxRedirects,
    validateStatus: () => true,
    signal: budget.signal,
    httpAgent: budget.agents.httpAgent,
    httpsAgent: budget.agents.httpsAgent,
    // In-cluster scrapes: an env-configured proxy would see the credentials.
    proxy: false,
  });
}

/** The budget of one target's requests; `dispose` when they are over. */
export interface RequestBudget {
  signal: AbortSignal;
  /** Why the requests were aborted, if they were; the first reason wins. */
  why(): AbortWhy | undefined;
  abort(why: AbortWhy): void;
  agents: ConnectWatch;
  elapsed(): number;
  dispose(): void;
}

export function startBudget(target: Target, signal?: AbortSignal): RequestBudget {
  const started = performance.now();
  const ctl = new AbortController();
  let why: AbortWhy | undefined;
  const abort = (reason: AbortWhy): void => {
    if (why !== undefined) return;
    why = reason;
    ctl.abort();
  };
  const onCallerAbort = (): void => abort('caller');
  if (signal?.aborted) abort('caller');
  signal?.addEventListener('abort', onCallerAbort, { once: true });
  const totalTimer = setTimeout(() => abort('timeout'), target.timeout);
  const agents = watchConnects(target.connectTimeout, () => abort('connect-timeout'));
  return {
    signal: ctl.signal,
    why: () => why,
    abort,
    agents,
    elapsed: () => Math.round(performance.now() - started),
    dispose() {
      clearTimeout(totalTimer);
      signal?.removeEventListener('abort', onCallerAbort);
      agents.dispose();
    },
  };
}

/** A thrown request error as a failure: our own abort reason first, then the error code, never its message. */
export function classifyError(err: unknown, why: AbortWhy | undefined, target: Target): Failure {
  if (why === 'connect-timeout') return { reason: 'timeout', detail: `no connection within connectTimeout ${target.connectTimeout} ms` };
  if (why === 'timeout') return { reason: 'timeout', detail: `no complete response within timeout ${target.timeout} ms` };
  if (why === 'caller') return { reason: 'timeout', detail: 'aborted by the caller before completion' };
  if (why === 'too-large') return { reason: 'too-large', detail: `responses exceeded maxBytes ${target.maxBytes} (downloads aborted)` };
  const code = errorCode(err);
  if (code === 'ERR_FR_TOO_MANY_REDIRECTS') return { reason: 'redirect', detail: `more than ${MAX_REDIRECTS} redirects` };
  if (code?.startsWith('Z_')) return { reason: 'parse-error', detail: `invalid compressed body (${code})` };
  const known: Record<string, string> = {
    ECONNREFUSED: 'connection refused',
    ENOTFOUND: 'host not found',
    EAI_AGAIN: 'DNS lookup failed',
    ECONNRESET: 'connection reset',
    EHOSTUNREACH: 'host unreachable',
    ENETUNREACH: 'network unreachable',
    EPIPE: 'connection closed',
    ERR_STREAM_PREMATURE_CLOSE: 'connection closed before the body was complete',
  };
  const detail = code === undefined ? 'request failed' : (known[code] ?? `request failed (${code})`);
  return { reason: 'down', detail, ...(code ? { extra: { code } } : {}) };
}

/**
 * A Node/axios error code (ECONNREFUSED…) from `err` or its causes, shape-checked so that nothing else can pass for
 * one into a finding: codes only, never messages, which can embed URLs and hosts we did not vet. `skip`: codes that
 * say nothing about the failure itself (axios' wrappers).
 */
export function errorCode(err: unknown, skip: readonly string[] = ['ERR_BAD_RESPONSE', 'ERR_CANCELED']): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 3 && e instanceof Error; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(code) && !skip.includes(code)) return code;
    e = e.cause;
  }
  return undefined;
}

/** A 3xx we did not follow; only the scheme, host and path of its Location reach the finding. */
export function redirectFailure(res: AxiosResponse<Readable>, target: Target): Failure {
  const location = headerString(res.headers.location);
  const to = location ? ` to ${safeUrl(location, target.url)}` : '';
  return {
    reason: 'redirect',
    detail: `${res.status} redirect${to} not followed`,
    ...(location ? { extra: { location: safeUrl(location, target.url) } } : {}),
  };
}

/** Drops a response we will not read, and its socket. */
export function discard(res: AxiosResponse<Readable>): void {
  res.data.destroy();
  (res.request as { destroy?: () => void } | undefined)?.destroy?.();
}

export function headerString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

/** The media type of a Content-Type, only if it looks like one (it ends up in evidence). */
export function mediaType(ct: string | undefined): string {
  const media = (ct ?? '').split(';')[0]!.trim().toLowerCase();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(media) ? media : media === '' ? 'none' : 'invalid';
}

/** A classified failure as a {@link ScrapeFailed}: the finding, the cost, the reason. */
export function failed(target: Target, opts: ScrapeOptions, f: Failure, cost: { durationMs: number; bytes: number; status?: number }): ScrapeFailed {
  const st = f.status ?? cost.status;
  const finding = scrapeFailedFinding({
    target,
    reason: f.reason,
    detail: f.detail,
    durationMs: cost.durationMs,
    bytes: cost.bytes,
    job: opts.job ?? DEFAULT_JOB,
    ...(st === undefined ? {} : { status: st }),
    ...(f.extra ? { extra: f.extra } : {}),
    ...(f.hint ? { hint: f.hint } : {}),
  });
  return { ok: false, finding, durationMs: cost.durationMs, bytes: cost.bytes, reason: f.reason, ...(st === undefined ? {} : { status: st }) };
}
