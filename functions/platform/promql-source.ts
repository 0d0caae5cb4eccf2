import type { Readable } from 'node:stream';
import type { AxiosResponse } from 'axios';
import { defaultPromqlQueries } from '../config/promql-source.ts';
import type { Target } from '../config/schema.ts';
import { serializeExposition } from '../core/exposition/index.ts';
import type { Sample } from '../core/exposition/types.ts';
import type { Snapshot } from '../core/types.ts';
import { parsePromqlResponse, samplesToFamilies } from './promql-response.ts';
import { readCapped } from './read-capped.ts';
import type { ScrapeFailed, ScrapeOk, ScrapeOptions } from './scrape.ts';
import type { Secret } from './secrets.ts';
import { classifyError, discard, failed, getStream, headerString, MAX_REDIRECTS, mediaType, redirectFailure, startBudget } from './scrape-http.ts';
import { truncate } from '../core/render/truncate.ts';
import type { Failure, RequestBudget } from './scrape-http.ts';
import { awsQueryString, defaultAwsCredentials, sigv4Headers } from './sigv4.ts';
import { authHeaders, authType, BASIC_AUTH_HINT, rejectedDetail } from './target-auth.ts';
import type { AuthType } from './target-auth.ts';

/** Series one target may return over all its queries: past this a selector is far too broad. */
export const MAX_PROMQL_SERIES = 200_000;
/** An error answer worth reading for its errorType is small; a bigger one is not parsed. */
const MAX_ERROR_BODY = 64 * 1024;

const HINTS = {
  bearer: 'check the bearer token the target references and that it may query this Prometheus API',
  basic: BASIC_AUTH_HINT,
  sigv4:
    'check that the probe\'s AWS identity has aps:QueryMetrics on this workspace, that the region in auth.sigv4 is the workspace\'s, and that the host clock is right (SigV4 allows 5 minutes of skew)',
  none: 'this Prometheus API requires credentials: configure auth (bearer, basic or sigv4) on the target',
  unreachable:
    'check that the Prometheus API is reachable from pooler-watch (URL, DNS, network policy; for AMP from a private subnet, the aps-workspaces VPC endpoint); if it answers slowly, narrow the queries or raise the target timeout',
  notApi: 'the URL does not answer as a Prometheus HTTP API: give the API base (e.g. http://prometheus:9090/ or the AMP workspace URL ending in /workspaces/<id>/), and check for a proxy or login page in front of it',
} as const satisfies Record<AuthType | 'unreachable' | 'notApi', string>;

/** One query's outcome: samples, or a failure of that query. */
type QueryOutcome = { ok: true; samples: Sample[] } | { ok: false; failure: Failure };

/**
 * A `kind: promql` target: its instant queries run concurrently against the Prometheus HTTP API at the round's time,
 * sharing the target's timeout, connect timeout and byte cap, and their vector results become one snapshot shaped
 * like a /federate scrape (`kind: federate`, pods from the `pod`/`exported_pod` labels, `untyped` families), so the
 * same history and heuristics produce the same findings. A failed query fails the whole snapshot: a partial one
 * (say, working sets without limits) would read as series that vanished. Never throws.
 */
export async function queryPromqlTarget(target: Target, opts: ScrapeOptions = {}): Promise<ScrapeOk | ScrapeFailed> {
  const ts = (opts.now ?? Date.now)();
  const queries = target.queries ?? defaultPromqlQueries(undefined, undefined, { app: target.appSeries === true });
  const budget = startBudget(target, opts.signal);
  const sizes = queries.map(() => 0);
  const total = (): number => sizes.reduce((a, b) => a + b, 0);
  const onBytes = (i: number, n: number): void => {
    sizes[i] = n;
    if (total() > target.maxBytes) budget.abort('too-large');
  };
  try {
    const ctx: QueryContext = { target, opts, ts, auth: authHeaders(target, opts.token), budget };
    const outcomes = await Promise.all(queries.map((q, i) => runQuery(ctx, q, (n) => onBytes(i, n))));
    const failures = outcomes.flatMap((o, i) => (o.ok ? [] : [{ i, failure: o.failure }]));
    const bytes = total();
    if (failures.length > 0) {
      const { i, failure } = failures[0]!;
      const of = failures.length > 1 ? ` (${failures.length} of ${queries.length} queries failed)` : '';
      return failed(target, opts, { ...failure, detail: `query ${i + 1}: ${failure.detail}${of}`, extra: { ...failure.extra, query: truncate(queries[i]!, 200) } }, { durationMs: budget.elapsed(), bytes });
    }
    const samples = outcomes.flatMap((o) => (o.ok ? o.samples : []));
    if (samples.length > MAX_PROMQL_SERIES) {
      return failed(target, opts, { reason: 'too-large', detail: `the queries returned ${samples.length} series, more than ${MAX_PROMQL_SERIES}` }, { durationMs: budget.elapsed(), bytes });
    }
    const families = samplesToFamilies(samples);
    const snapshot: Snapshot = { ts, target: target.name, kind: 'federate', families };
    // A federate-like exposition of what was read, so `record` and `replay` work for this kind too.
    const text = serializeExposition(families, 'text');
    return { ok: true, snapshot, text, durationMs: budget.elapsed(), bytes, status: 200, format: 'text' };
  } catch (err) {
    const failure: Failure = err instanceof CredentialsUnavailable ? { reason: 'unauthorized', detail: `no AWS credentials for SigV4 (${err.message})`, hint: HINTS.sigv4 } : classifyError(err, budget.why(), target);
    // The scrape hints for these speak of pods and Services; here it is the Prometheus API that is unreachable.
    if (failure.reason === 'down' || failure.reason === 'timeout') failure.hint = HINTS.unreachable;
    return failed(target, opts, failure, { durationMs: budget.elapsed(), bytes: total() });
  } finally {
    budget.dispose();
  }
}

/** `<base>/api/v1/query` (a base already ending in it is kept), with the base's own query parameters first. */
export function queryRequest(baseUrl: string, query: string, ts: number): { url: URL; pairs: Array<[string, string]> } {
  const url = new URL(baseUrl);
  if (!/\/api\/v1\/query\/?$/.test(url.pathname)) url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/v1/query`;
  const pairs: Array<[string, string]> = [...url.searchParams.entries()];
  pairs.push(['query', query], ['time', (ts / 1000).toFixed(3)]);
  url.search = '';
  url.hash = '';
  return { url, pairs };
}

/** What every query of one round shares. */
interface QueryContext {
  target: Target;
  opts: ScrapeOptions;
  ts: number;
  auth: Record<string, string>;
  budget: RequestBudget;
}

async function runQuery(ctx: QueryContext, query: string, onBytes: (n: number) => void): Promise<QueryOutcome> {
  const { target, ts, auth, budget } = ctx;
  const { url, pairs } = queryRequest(target.url, query, ts);
  const headers: Record<string, string> = { Accept: 'application/json', ...auth };
  if (target.auth?.type === 'sigv4') {
    const credentials = ctx.opts.credentials ?? (await defaultAwsCredentials());
    const { region, service } = target.auth;
    Object.assign(headers, await sigv4Headers({ url, query: pairs, region, service, credentials }).catch(credentialFailure));
  }
  // A redirect would carry the credentials elsewhere, and breaks a SigV4 signature anyway.
  const maxRedirects = target.followRedirects && target.auth?.type !== 'sigv4' ? MAX_REDIRECTS : 0;
  // The URL is built by hand, encoded exactly as signed: axios' own params serializer encodes differently (`+`, brackets).
  const res = await getStream(`${url.origin}${url.pathname}?${awsQueryString(pairs)}`, headers, budget, maxRedirects);
  // Each query's failure carries its own status: queries run side by side, and the first failure is reported.
  const fail = (failure: Failure): QueryOutcome => ({ ok: false, failure: { ...failure, status: res.status } });
  const early = statusFailure(res, target, ctx.opts.token);
  if (early?.final) {
    discard(res);
    return fail(early.failure);
  }
  const cap = early ? Math.min(MAX_ERROR_BODY, target.maxBytes) : target.maxBytes;
  const body = await readCapped(res.data, cap, onBytes);
  if (!body.ok) {
    discard(res);
    if (early) return fail(early.failure);
    return fail({ reason: 'too-large', detail: `response exceeded maxBytes ${target.maxBytes} (download aborted)` });
  }
  const parsed = parsePromqlResponse(body.body.toString('utf8'), MAX_PROMQL_SERIES);
  if (early) {
    // Prometheus answers 400/422/503 with a JSON error: its errorType says more than the status does.
    if (!parsed.ok && parsed.reason === 'query-error' && parsed.errorType) {
      return fail({ reason: 'query-error', detail: `HTTP ${res.status}, ${parsed.detail}`, extra: { errorType: parsed.errorType } });
    }
    return fail(early.failure);
  }
  if (!parsed.ok) {
    const hint = parsed.reason === 'parse-error' ? HINTS.notApi : undefined;
    return fail({ reason: parsed.reason, detail: parsed.detail, ...(parsed.errorType ? { extra: { errorType: parsed.errorType } } : {}), ...(hint ? { hint } : {}) });
  }
  return { ok: true, samples: parsed.samples };
}

/** Credentials that cannot be loaded are an auth failure; the provider's message is not vetted, only its name is. */
function credentialFailure(err: unknown): never {
  const name = err instanceof Error ? err.name.slice(0, 64) : typeof err;
  throw new CredentialsUnavailable(name);
}

class CredentialsUnavailable extends Error {
  override readonly name = 'CredentialsUnavailable';
}

/** Statuses decided before the body: `final` ones are not read at all; others are read for their errorType. */
function statusFailure(res: AxiosResponse<Readable>, target: Target, token: Secret | undefined): { failure: Failure; final: boolean } | undefined {
  const s = res.status;
  if (s === 401 || s === 403) {
    const type = authType(target, token);
    return { final: true, failure: { reason: 'unauthorized', detail: rejectedDetail(s, type, 'the API requires credentials but none are configured'), hint: HINTS[type] } };
  }
  if (s >= 300 && s < 400) return { final: true, failure: redirectFailure(res, target) };
  const ct = headerString(res.headers['content-type']);
  const json = ct === undefined || /json/i.test(ct);
  if (s < 200 || s >= 300) return { final: !json, failure: { reason: 'http-error', detail: `HTTP ${s}` } };
  if (!json) {
    const media = mediaType(ct);
    return { final: true, failure: { reason: 'not-exposition', detail: `${s} with content-type ${media} is not a Prometheus API response`, extra: { contentType: media }, hint: HINTS.notApi } };
  }
  return undefined;
}
