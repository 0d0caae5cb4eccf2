import http from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import https from 'node:https';
import tls from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { CREDENTIAL_HEADERS, type HttpCheck } from '../config/checks.ts';
import type { HttpFailureKind, HttpObservation, TlsFacts } from '../core/probes/http-check-types.ts';
import { classifyTlsError, isVerifyError } from '../core/probes/tls-verify.ts';
import { chainFacts, inspectChain } from './http-check-tls.ts';

/*
 * node:http(s) rather than axios: a check needs the peer certificate chain (socket.getPeerCertificate(true)) on the
 * exact socket that answered, its own redirect policy (secret headers dropped when the origin changes, the chain of
 * every hop), and error codes rather than messages. axios hides the socket behind follow-redirects and adds nothing
 * here.
 */

/** A request header, resolved; `secret` ones are dropped on a cross-origin redirect and never logged. */
export interface ResolvedHeader {
  value: string;
  secret: boolean;
}

/** The request body, serialized; `secret` when it came from a secret reference: never sent to another origin. */
export interface ResolvedBody {
  data: Buffer;
  /** Sent unless a header sets Content-Type. */
  contentType: string;
  secret: boolean;
}

export interface HttpCheckRequest {
  check: HttpCheck;
  /** The check's headers with secret references resolved (keys as configured). */
  headers: Record<string, ResolvedHeader>;
  body?: ResolvedBody;
  /** PEM bundle replacing the system roots (`tls.ca`). */
  ca?: string;
  signal?: AbortSignal;
}

// Error codes are reported, so only short plain ones: a peer must not smuggle text through them.
const CODE = /^[A-Z0-9_]{1,64}$/;

/** What one hop sends: redirects change the method, and with it whether headers and body still go. */
interface Outgoing {
  method: string;
  headers: Record<string, ResolvedHeader>;
  body: ResolvedBody | undefined;
}

// Headers that describe the body (fetch's "request-body-header names"): they go when the body goes.
const BODY_HEADERS = new Set(['content-type', 'content-encoding', 'content-language', 'content-location']);

type Hop =
  | { ok: true; status: number; location?: string; body: Buffer; bytes: number; truncated: boolean; tls?: TlsFacts }
  | { ok: false; kind: HttpFailureKind; code?: string };

/**
 * Performs one check: the request, its redirects per policy, the capped body and the TLS facts. Never throws and
 * never rejects: a timeout, a refused connection or an untrusted certificate is an observation like a 200.
 */
export async function performHttpCheck(req: HttpCheckRequest): Promise<HttpObservation> {
  const { check } = req;
  const started = performance.now();
  const elapsed = (): number => performance.now() - started;
  const ctl = new AbortController();
  const onCallerAbort = (): void => ctl.abort();
  if (req.signal?.aborted) ctl.abort();
  req.signal?.addEventListener('abort', onCallerAbort, { once: true });
  const timer = setTimeout(() => ctl.abort(), check.timeout);
  const chains: TlsFacts[] = [];
  let redirects = 0;
  let url = new URL(check.url);
  let out: Outgoing = { method: check.method, headers: { ...req.headers }, body: req.body };
  const fail = (kind: HttpFailureKind, code?: string): HttpObservation => ({
    latencyMs: elapsed(),
    bodyBytes: 0,
    bodyTruncated: false,
    redirects,
    error: { kind, ...(code ? { code } : {}) },
    ...mergeTls(chains),
  });
  try {
    for (;;) {
      const hop = await exchangeVerified(url, out, req, ctl.signal, () => check.timeout - elapsed());
      // Tagged with its hop, so a finding names the certificate's place in its own chain, not in all hops' together.
      if ('tls' in hop && hop.tls) chains.push(redirects === 0 ? hop.tls : { ...hop.tls, chain: hop.tls.chain.map((c) => ({ ...c, hop: redirects })) });
      if (!hop.ok) return fail(ctl.signal.aborted ? 'timeout' : hop.kind, hop.code);
      const redirect = hop.status >= 300 && hop.status < 400 && hop.location !== undefined && check.followRedirects;
      if (!redirect) {
        return {
          status: hop.status,
          latencyMs: elapsed(),
          body: hop.body.toString('utf8'),
          bodyBytes: hop.bytes,
          bodyTruncated: hop.truncated,
          redirects,
          ...mergeTls(chains),
        };
      }
      if (redirects >= check.maxRedirects) return fail('too-many-redirects');
      let next: URL;
      try {
        next = new URL(hop.location!, url);
      } catch {
        return fail('bad-redirect');
      }
      if (next.protocol !== 'http:' && next.protocol !== 'https:') return fail('bad-redirect');
      // 303 always, and 301/302 for anything but GET/HEAD: what browsers and curl -L do. 307/308 keep both.
      if (hop.status === 303 || ((hop.status === 301 || hop.status === 302) && out.method !== 'GET' && out.method !== 'HEAD')) out = withoutBody(out);
      if (next.origin !== url.origin) {
        // Failed rather than sent without it: a 307/308 asks for the same request, and an answer to a bodiless one
        // would judge the endpoint on a request it was never meant to get.
        if (out.body?.secret) return fail('secret-body-redirect');
        out = { ...out, headers: sameOriginOnly(out.headers) };
      }
      url = next;
      redirects += 1;
    }
  } catch {
    // Defensive: a bug above must not take the probe round down with it.
    return fail(ctl.signal.aborted ? 'timeout' : 'request-error');
  } finally {
    clearTimeout(timer);
    req.signal?.removeEventListener('abort', onCallerAbort);
  }
}

/**
 * One hop with certificate verification on. On a verification failure the chain is read by a request-free
 * handshake; a self-signed leaf is retried pinned (its PEM as an extra trust anchor) when `tls.allowSelfSigned`,
 * so expiry and host name are still verified by Node.
 */
async function exchangeVerified(url: URL, out: Outgoing, req: HttpCheckRequest, signal: AbortSignal, remaining: () => number): Promise<Hop & { tls?: TlsFacts }> {
  // A refused certificate ends the handshake before any application data: no header or body byte has left.
  const first = await exchange(url, out, req, signal, req.ca);
  if (first.ok || first.kind !== 'tls') return first;
  const inspected = await inspectChain(url, { ca: req.ca, timeoutMs: remaining(), signal });
  const failed: TlsFacts = { chain: inspected?.chain ?? [], verified: false, ...(first.code ? { verifyError: first.code } : {}) };
  if (!req.check.tls.allowSelfSigned || classifyTlsError(first.code) !== 'self-signed' || !inspected?.leafPem) return { ...first, tls: failed };
  const pinned = await exchange(url, out, req, signal, [...(req.ca ? [req.ca] : tls.rootCertificates), inspected.leafPem]);
  if (pinned.ok && pinned.tls) return { ...pinned, tls: { ...pinned.tls, pinnedSelfSigned: true } };
  return pinned.ok ? pinned : { ...pinned, tls: { ...failed, ...(pinned.code ? { verifyError: pinned.code } : {}) } };
}

function exchange(url: URL, out: Outgoing, req: HttpCheckRequest, signal: AbortSignal, ca: string | readonly string[] | undefined): Promise<Hop> {
  const { method } = out;
  return new Promise<Hop>((resolve) => {
    let settled = false;
    const settle = (hop: Hop): void => {
      if (settled) return;
      settled = true;
      resolve(hop);
    };
    const isHttps = url.protocol === 'https:';
    const options: https.RequestOptions = {
      method,
      headers: outgoing(out),
      signal,
      // One connection per hop: no keep-alive socket outlives the check, and no TLS session is resumed (a resumed
      // session skips the verification whose result we report).
      agent: false,
      ...(isHttps ? { rejectUnauthorized: true, ...(ca ? { ca: ca as string[] } : {}) } : {}),
    };
    const request = (isHttps ? https : http).request(url, options, (res: IncomingMessage) => {
      const socket = res.socket as TLSSocket | null;
      const tlsFacts: TlsFacts | undefined = isHttps && socket && typeof socket.getPeerCertificate === 'function' ? { chain: chainFacts(socket.getPeerCertificate(true)), verified: socket.authorized } : undefined;
      const status = res.statusCode ?? 0;
      const location = typeof res.headers.location === 'string' ? res.headers.location : undefined;
      const base = { ok: true as const, status, ...(location === undefined ? {} : { location }), ...(tlsFacts ? { tls: tlsFacts } : {}) };
      if (method === 'HEAD' || (status >= 300 && status < 400 && location !== undefined && req.check.followRedirects)) {
        res.destroy();
        settle({ ...base, body: Buffer.alloc(0), bytes: 0, truncated: false });
        return;
      }
      readPrefix(res, req.check.maxBodyBytes).then(
        (b) => settle({ ...base, ...b }),
        (err: unknown) => settle(classify(err, signal)),
      );
    });
    request.on('error', (err) => settle(classify(err, signal)));
    if (out.body) request.end(out.body.data);
    else request.end();
  });
}

/** At most `cap` bytes of the body; the rest is not downloaded (the response is destroyed). */
async function readPrefix(res: IncomingMessage, cap: number): Promise<{ body: Buffer; bytes: number; truncated: boolean }> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of res) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    bytes += buf.length;
    if (bytes > cap) {
      chunks.push(buf.subarray(0, buf.length - (bytes - cap)));
      res.destroy();
      return { body: Buffer.concat(chunks), bytes: cap, truncated: true };
    }
    chunks.push(buf);
  }
  if (!res.complete) throw Object.assign(new Error('premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' });
  return { body: Buffer.concat(chunks), bytes, truncated: false };
}

function outgoing({ headers, body }: Outgoing): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const [name, h] of Object.entries(headers)) out[name.toLowerCase()] = h.value;
  out['user-agent'] ??= 'pooler-watch';
  out.accept ??= '*/*';
  if (body) {
    out['content-type'] ??= body.contentType;
    out['content-length'] = body.data.length;
  }
  return out;
}

/** The request a 303 (or a 301/302 after a non-GET) asks for: a GET, without the body or the headers about it. */
function withoutBody(out: Outgoing): Outgoing {
  const headers = Object.fromEntries(Object.entries(out.headers).filter(([name]) => !BODY_HEADERS.has(name.toLowerCase())));
  return { method: out.method === 'HEAD' ? 'HEAD' : 'GET', headers, body: undefined };
}

function sameOriginOnly(headers: Record<string, ResolvedHeader>): Record<string, ResolvedHeader> {
  return Object.fromEntries(Object.entries(headers).filter(([name, h]) => !h.secret && !CREDENTIAL_HEADERS.has(name.toLowerCase())));
}

// Codes only, never messages: TLS and socket messages embed hosts and sometimes certificate subjects.
function classify(err: unknown, signal: AbortSignal): Hop {
  if (signal.aborted) return { ok: false, kind: 'timeout' };
  const raw = (err as { code?: unknown } | undefined)?.code;
  const code = typeof raw === 'string' && CODE.test(raw) ? raw : undefined;
  if (isVerifyError(code)) return { ok: false, kind: 'tls', ...(code ? { code } : {}) };
  const kind: HttpFailureKind =
    code === 'ECONNREFUSED'
      ? 'connection-refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'dns'
        : code === 'ECONNRESET' || code === 'EPIPE' || code === 'ECONNABORTED' || code === 'ERR_STREAM_PREMATURE_CLOSE'
          ? 'connection-reset'
          : 'request-error';
  return { ok: false, kind, ...(code ? { code } : {}) };
}

/** The TLS facts of every hop as one: the chain of all hops (expiry is the soonest of any), verified if all were. */
function mergeTls(chains: TlsFacts[]): { tls?: TlsFacts } {
  if (chains.length === 0) return {};
  const failed = chains.find((c) => !c.verified);
  return {
    tls: {
      chain: chains.flatMap((c) => c.chain),
      verified: failed === undefined,
      ...(failed?.verifyError ? { verifyError: failed.verifyError } : {}),
      ...(chains.some((c) => c.pinnedSelfSigned) ? { pinnedSelfSigned: true } : {}),
    },
  };
}
