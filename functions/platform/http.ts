import axios, { type AxiosResponse } from 'axios';
import { ChannelError } from './errors.ts';
import { classifyStatus, parseRetryAfter } from './http-status.ts';
import { Secret } from './secrets.ts';

/** One outbound vendor call. `url` and header values may be Secrets (webhook URLs carry tokens). */
export interface HttpRequest {
  channel: string;
  method?: 'POST' | 'PUT' | 'GET' | 'DELETE';
  url: string | Secret;
  headers?: Record<string, string | Secret>;
  /** Sent as JSON unless it is a string. */
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Extra statuses this vendor wants retried (429 and 408 already are). */
  retryStatuses?: number[];
  /** Response cap: vendors answer small bodies; a huge one is a misconfigured URL. */
  maxResponseBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  data: unknown;
}

export type { Classification } from './http-status.ts';
export { classifyStatus, parseRetryAfter } from './http-status.ts';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNABORTED', 'ERR_CANCELED', 'ERR_BAD_RESPONSE']);

const reveal = (v: string | Secret) => (v instanceof Secret ? v.reveal() : v);

/**
 * Sends one request; resolves with the response on 2xx, throws a ChannelError otherwise. The error carries
 * the status, a short reason and whether to retry — never the URL, headers, request or response body.
 */
export async function sendHttp(req: HttpRequest, now: () => number = Date.now): Promise<HttpResponse> {
  let res: AxiosResponse;
  try {
    res = await axios.request({
      method: req.method ?? 'POST',
      url: reveal(req.url),
      headers: Object.fromEntries(Object.entries(req.headers ?? {}).map(([k, v]) => [k, reveal(v)])),
      data: req.body,
      timeout: req.timeoutMs,
      signal: req.signal,
      maxRedirects: 0,
      proxy: false,
      maxContentLength: req.maxResponseBytes ?? 1024 * 1024,
      validateStatus: () => true,
      transitional: { clarifyTimeoutError: true },
    });
  } catch (err) {
    const code = (err as { code?: string }).code ?? 'network error';
    const reason = code === 'ETIMEDOUT' || code === 'ECONNABORTED' ? 'timeout' : code === 'ERR_CANCELED' ? 'aborted' : code;
    // Deliberately no `cause`: the raw axios error holds the URL (with its token) and the request headers.
    throw new ChannelError({ channel: req.channel, reason, retryable: NETWORK_CODES.has(code) || code === 'network error' });
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(res.headers ?? {})) if (typeof v === 'string') headers[k.toLowerCase()] = v;
  const verdict = classifyStatus(res.status, req.retryStatuses);
  if (verdict === 'ok') return { status: res.status, headers, data: res.data };
  throw new ChannelError({
    channel: req.channel,
    status: res.status,
    reason: `HTTP ${res.status}`,
    retryable: verdict === 'retry',
    retryAfterMs: parseRetryAfter(headers['retry-after'], now()),
  });
}
