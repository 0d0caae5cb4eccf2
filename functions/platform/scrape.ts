import type { Readable } from 'node:stream';
import type { AxiosResponse } from 'axios';
import type { Target } from '../config/schema.ts';
import { ACCEPT_HEADER, formatFromContentType, parseExposition } from '../core/exposition/index.ts';
import { ParseError } from '../core/exposition/types.ts';
import type { ExpositionFormat } from '../core/exposition/types.ts';
import type { Finding, Snapshot } from '../core/types.ts';
import { readCapped } from './read-capped.ts';
import type { ScrapeFailureReason } from './scrape-failure.ts';
import { classifyError, discard, failed, getStream, headerString, MAX_REDIRECTS, mediaType, redirectFailure, startBudget } from './scrape-http.ts';
import { truncate } from '../core/render/truncate.ts';
import type { Failure } from './scrape-http.ts';
import type { Secret } from './secrets.ts';
import type { AwsCredentialsProvider } from './sigv4.ts';
import { authHeaders, authType, BASIC_AUTH_HINT, rejectedDetail } from './target-auth.ts';

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
  /** The target's resolved token: sent as `Authorization: Bearer …`, or as the password of `auth: basic`. */
  token?: Secret;
  /** Clock for `snapshot.ts` (the demo runs on a simulated clock); default `Date.now`. */
  now?: () => number;
  /** Caller cancellation; reported as a timeout. */
  signal?: AbortSignal;
  /** Prometheus job for the finding's `up{job=…}` PromQL; default the runbook's app job. */
  job?: string;
  /** `kind: promql` with SigV4: where AWS credentials come from; default the AWS SDK's default chain. */
  credentials?: AwsCredentialsProvider;
}

/** Scrape one target (or, for `kind: promql`, run its instant queries). Never throws: every failure is a finding. */
export async function scrapeTarget(target: Target, opts: ScrapeOptions = {}): Promise<ScrapeOk | ScrapeFailed> {
  // Loaded on first use: most deployments scrape /metrics or /federate and never pay for the query client and SigV4.
  if (target.kind === 'promql') return (await import('./promql-source.ts')).queryPromqlTarget(target, opts);
  const ts = (opts.now ?? Date.now)();
  const budget = startBudget(target, opts.signal);
  let bytes = 0;
  let status: number | undefined;
  const fail = (f: Failure): ScrapeFailed => failed(target, opts, f, { durationMs: budget.elapsed(), bytes, status });

  try {
    const maxRedirects = target.followRedirects ? MAX_REDIRECTS : 0;
    const res = await getStream(requestUrl(target), { Accept: ACCEPT_HEADER, ...authHeaders(target, opts.token) }, budget, maxRedirects);
    status = res.status;
    const early = classifyResponse(res, target, opts.token);
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
      return { ok: true, snapshot, text, durationMs: budget.elapsed(), bytes, status: res.status, format };
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
    return fail(classifyError(err, budget.why(), target));
  } finally {
    budget.dispose();
  }
}

/** The URL to request: for federate, the target's `match[]` selectors appended to any existing query. */
export function requestUrl(target: Target): string {
  if (target.kind !== 'federate') return target.url;
  const u = new URL(target.url);
  for (const m of target.match) u.searchParams.append('match[]', m);
  return u.toString();
}

function classifyResponse(res: AxiosResponse<Readable>, target: Target, token: Secret | undefined): Failure | undefined {
  const s = res.status;
  if (s === 401 || s === 403) {
    const type = authType(target, token);
    const detail = rejectedDetail(s, type, 'metrics auth is on but no token configured');
    // The reason's default hint points at the app's bearer token in /admin/system, which a basic-auth password is not.
    return { reason: 'unauthorized', detail, ...(type === 'basic' ? { hint: BASIC_AUTH_HINT } : {}) };
  }
  if (s >= 300 && s < 400) return redirectFailure(res, target);
  if (s < 200 || s >= 300) return { reason: 'http-error', detail: `HTTP ${s}` };
  const ct = headerString(res.headers['content-type']);
  if (formatFromContentType(ct) === undefined) {
    const media = mediaType(ct);
    return { reason: 'not-exposition', detail: `${s} with content-type ${media} is not a Prometheus exposition`, extra: { contentType: media } };
  }
  return undefined;
}
