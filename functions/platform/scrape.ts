import type { Readable } from 'node:stream';
import axios from 'axios';
import type { AxiosResponse } from 'axios';
import type { Target } from '../config/schema.ts';
import { RunbookSelectors } from '../config/metric-names.ts';
import { ACCEPT_HEADER, formatFromContentType, parseExposition } from '../core/exposition/index.ts';
import { ParseError } from '../core/exposition/types.ts';
import type { ExpositionFormat } from '../core/exposition/types.ts';
import type { Evidence, Finding, Snapshot } from '../core/types.ts';
import { watchConnects } from './connect-watch.ts';
import { readCapped } from './read-capped.ts';
import { safeUrl } from './safe-url.ts';
import { scrapeFailedFinding } from './scrape-failure.ts';
import type { ScrapeFailureReason } from './scrape-failure.ts';
import type { Secret } from './secrets.ts';

export type { ScrapeFailureReason } from './scrape-failure.ts';

/** A successful scrape: the parsed snapshot plus what it cost. `bytes` is the decompressed body size. */
export interface ScrapeOk {
  ok: true;
  snapshot: Snapshot;
  /** The raw (decompressed) exposition, for recordings. */
  text: string;
  durationMs: number;
  bytes: number;
  status: number;
  format: ExpositionFormat;
}

/** A failed scrape, already turned into a `scrape-failed` finding (secret-, body- and query-free). */
export interface ScrapeFailed {
  ok: false;
  finding: Finding;
  durationMs: number;
  bytes: number;
  status?: number;
  reason: ScrapeFailureReason;
}

/** Options of {@link scrapeTarget}. */
export interface ScrapeOptions {
  /** Sent as `Authorization: Bearer …`. */
  token?: Secret;
  /** Clock for `snapshot.ts` (the demo runs on a simulated clock); default `Date.now`. */
  now?: () => number;
  /** Caller cancellation; reported as a timeout. */
  signal?: AbortSignal;
  /** Prometheus job for the finding's `up{job=…}` PromQL; default the runbook's app job. */
  job?: string;
}

const DEFAULT_JOB = RunbookSelectors.parse({}).job;
const MAX_REDIRECTS = 5;

type AbortWhy = 'connect-timeout' | 'timeout' | 'caller';
type Failure = { reason: ScrapeFailureReason; detail: string; status?: number; extra?: Evidence };

/** Scrape one target. Never throws: every failure is a finding. */
export async function scrapeTarget(target: Target, opts: ScrapeOptions = {}): Promise<ScrapeOk | ScrapeFailed> {
  const ts = (opts.now ?? Date.now)();
  const started = performance.now();
  const elapsed = (): number => Math.round(performance.now() - started);
  const ctl = new AbortController();
  let why: AbortWhy | undefined;
  const abort = (reason: AbortWhy): void => {
    if (why !== undefined) return;
    why = reason;
    ctl.abort();
  };
  const onCallerAbort = (): void => abort('caller');
  if (opts.signal?.aborted) abort('caller');
  opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const totalTimer = setTimeout(() => abort('timeout'), target.timeout);
  const agents = watchConnects(target.connectTimeout, () => abort('connect-timeout'));

  let bytes = 0;
  let status: number | undefined;
  const fail = (f: Failure): ScrapeFailed => {
    const durationMs = elapsed();
    const st = f.status ?? status;
    const finding = scrapeFailedFinding({
      target,
      reason: f.reason,
      detail: f.detail,
      durationMs,
      bytes,
      job: opts.job ?? DEFAULT_JOB,
      ...(st === undefined ? {} : { status: st }),
      ...(f.extra ? { extra: f.extra } : {}),
    });
    return { ok: false, finding, durationMs, bytes, reason: f.reason, ...(st === undefined ? {} : { status: st }) };
  };

  try {
    const headers: Record<string, string> = { Accept: ACCEPT_HEADER, 'Accept-Encoding': 'gzip', 'User-Agent': 'pooler-watch' };
    if (opts.token) headers.Authorization = `Bearer ${opts.token.reveal()}`;
    const res: AxiosResponse<Readable> = await axios.request<Readable>({
      url: requestUrl(target),
      method: 'GET',
      headers,
      responseType: 'stream',
      decompress: true,
      maxRedirects: target.followRedirects ? MAX_REDIRECTS : 0,
      validateStatus: () => true,
      signal: ctl.signal,
      httpAgent: agents.httpAgent,
      httpsAgent: agents.httpsAgent,
      // In-cluster scrapes: an env-configured proxy would see the bearer token.
      proxy: false,
    });
    status = res.status;
    const early = classifyResponse(res, target, opts.token !== undefined);
    if (early) {
      discard(res);
      return fail(early);
    }
    const format = formatFromContentType(headerString(res.headers['content-type']))!;
    const body = await readCapped(res.data, target.maxBytes, (n) => (bytes = n));
    bytes = body.bytes;
    if (!body.ok) {
      discard(res);
      return fail({ reason: 'too-large', detail: `body exceeded maxBytes ${target.maxBytes} (download aborted)` });
    }
    const text = body.body.toString('utf8').replace(/^\uFEFF/, '');
    try {
      const families = parseExposition(text, format);
      const snapshot: Snapshot = { ts, target: target.name, kind: target.kind, families };
      return { ok: true, snapshot, text, durationMs: elapsed(), bytes, status: res.status, format };
    } catch (err) {
      // Only ParseError messages are vetted for findings; anything else (a parser bug) is reported by name.
      if (!(err instanceof ParseError)) {
        const name = err instanceof Error ? err.name : typeof err;
        return fail({ reason: 'parse-error', detail: `the ${format} exposition could not be parsed (${name})` });
      }
      return fail({
        reason: 'parse-error',
        detail: `invalid ${format} exposition at ${err.line}:${err.column}`,
        extra: { line: err.line, column: err.column, error: truncate(err.message, 200) },
      });
    }
  } catch (err) {
    return fail(classifyError(err, why, target));
  } finally {
    clearTimeout(totalTimer);
    opts.signal?.removeEventListener('abort', onCallerAbort);
    agents.dispose();
  }
}

/** The URL to request: for federate, the target's `match[]` selectors appended to any existing query. */
export function requestUrl(target: Target): string {
  if (target.kind !== 'federate') return target.url;
  const u = new URL(target.url);
  for (const m of target.match) u.searchParams.append('match[]', m);
  return u.toString();
}

function classifyResponse(res: AxiosResponse<Readable>, target: Target, sentToken: boolean): Failure | undefined {
  const s = res.status;
  if (s === 401 || s === 403) {
    const detail = sentToken ? `${s} token rejected` : `${s} metrics auth is on but no token configured`;
    return { reason: 'unauthorized', detail };
  }
  if (s >= 300 && s < 400) {
    const location = headerString(res.headers.location);
    const to = location ? ` to ${safeUrl(location, target.url)}` : '';
    return {
      reason: 'redirect',
      detail: `${s} redirect${to} not followed`,
      ...(location ? { extra: { location: safeUrl(location, target.url) } } : {}),
    };
  }
  if (s < 200 || s >= 300) return { reason: 'http-error', detail: `HTTP ${s}` };
  const ct = headerString(res.headers['content-type']);
  if (formatFromContentType(ct) === undefined) {
    const media = mediaType(ct);
    return { reason: 'not-exposition', detail: `${s} with content-type ${media} is not a Prometheus exposition`, extra: { contentType: media } };
  }
  return undefined;
}

function classifyError(err: unknown, why: AbortWhy | undefined, target: Target): Failure {
  if (why === 'connect-timeout') return { reason: 'timeout', detail: `no connection within connectTimeout ${target.connectTimeout} ms` };
  if (why === 'timeout') return { reason: 'timeout', detail: `no complete response within timeout ${target.timeout} ms` };
  if (why === 'caller') return { reason: 'timeout', detail: 'aborted by the caller before completion' };
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

// Error codes only, never messages: axios and TLS messages can embed URLs and hosts we did not vet.
function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let i = 0; i < 3 && e instanceof Error; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && code !== 'ERR_BAD_RESPONSE' && code !== 'ERR_CANCELED') return code.slice(0, 64);
    e = e.cause;
  }
  return undefined;
}

function discard(res: AxiosResponse<Readable>): void {
  res.data.destroy();
  (res.request as { destroy?: () => void } | undefined)?.destroy?.();
}

function headerString(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  return undefined;
}

function mediaType(ct: string | undefined): string {
  const media = (ct ?? '').split(';')[0]!.trim().toLowerCase();
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(media) ? media : media === '' ? 'none' : 'invalid';
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}
