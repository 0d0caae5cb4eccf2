import type { Readable } from 'node:stream';
import axios from 'axios';
import { ACCEPT_HEADER, formatFromContentType } from '../core/exposition/index.ts';
import type { AuthProbeResult } from '../core/probes/codex-checks.ts';
import { watchConnects } from './connect-watch.ts';
import { errorCode } from './scrape-http.ts';

/** Enough of the body to tell an exposition from an error page; the rest is never downloaded. */
const SNIFF_BYTES = 256;

export interface AuthProbeOptions {
  /** Total budget for the request, connect included. */
  timeoutMs: number;
  signal?: AbortSignal;
}

/** A first line an exposition can start with: a comment, or a metric name followed by labels or a value. */
const EXPOSITION_START = /^(#|[a-zA-Z_:][a-zA-Z0-9_:]*[{ \t])/;

/**
 * An unauthenticated GET of a metrics URL: no Authorization header, no cookies, no proxy, no redirects. Reads at
 * most a few hundred bytes to tell an exposition from a login or error page, then drops the connection. Never
 * throws; errors come back as a code or class only (axios messages can carry the URL).
 */
export async function probeMetricsAuth(url: string, opts: AuthProbeOptions): Promise<AuthProbeResult> {
  const bare = withoutCredentials(url);
  if (bare === undefined) return { kind: 'error', error: 'invalid-url' };
  const ctl = new AbortController();
  let timedOut = false;
  const onTimeout = (): void => {
    timedOut = true;
    ctl.abort();
  };
  const timer = setTimeout(onTimeout, opts.timeoutMs);
  const onCallerAbort = (): void => ctl.abort();
  if (opts.signal?.aborted) ctl.abort();
  opts.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const agents = watchConnects(opts.timeoutMs, onTimeout);
  try {
    const res = await axios.request<Readable>({
      url: bare,
      method: 'GET',
      headers: { Accept: ACCEPT_HEADER, 'Accept-Encoding': 'identity', 'User-Agent': 'pooler-watch (metrics auth check)' },
      responseType: 'stream',
      decompress: true,
      maxRedirects: 0,
      validateStatus: () => true,
      signal: ctl.signal,
      httpAgent: agents.httpAgent,
      httpsAgent: agents.httpsAgent,
      proxy: false,
    });
    try {
      if (res.status < 200 || res.status >= 300) return { kind: 'status', status: res.status, exposition: false };
      const contentType = typeof res.headers['content-type'] === 'string' ? res.headers['content-type'] : undefined;
      if (formatFromContentType(contentType) === undefined) return { kind: 'status', status: res.status, exposition: false };
      const head = await sniff(res.data);
      return { kind: 'status', status: res.status, exposition: EXPOSITION_START.test(head.replace(/^\uFEFF/, '').trimStart()) };
    } finally {
      res.data.destroy();
    }
  } catch (err) {
    if (timedOut) return { kind: 'error', error: 'timeout' };
    if (ctl.signal.aborted) return { kind: 'error', error: 'aborted' };
    return { kind: 'error', error: errorCode(err, ['ERR_CANCELED']) ?? 'request-failed' };
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onCallerAbort);
    agents.dispose();
  }
}

/** axios turns `user:pass@` into Basic auth: an unauthenticated probe must drop it. */
function withoutCredentials(url: string): string | undefined {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return undefined;
  }
}

/** The first bytes of the body (fewer if it ends sooner). */
async function sniff(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    chunks.push(buf);
    bytes += buf.length;
    if (bytes >= SNIFF_BYTES) break;
  }
  return Buffer.concat(chunks).subarray(0, SNIFF_BYTES).toString('utf8');
}

