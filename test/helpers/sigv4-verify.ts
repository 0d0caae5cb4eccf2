import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/**
 * An independent AWS Signature V4 verifier, written from the spec
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html) with node:crypto only, so tests check
 * what a server recomputes from the request as received, not what the client claims.
 */
export interface VerifyInput {
  method: string;
  /** The request target exactly as received (`req.url`): raw path and raw query. */
  rawUrl: string;
  headers: IncomingHttpHeaders;
  body?: string;
  accessKeyId: string;
  secretAccessKey: string;
  region: string;
  service: string;
  /** Accepted clock skew (default 5 minutes, as AWS). */
  now?: number;
}

export type Verdict = { ok: true; signedHeaders: string[] } | { ok: false; why: string };

const sha256 = (s: string | Buffer): string => createHash('sha256').update(s).digest('hex');
const hmac = (key: Buffer | string, s: string): Buffer => createHmac('sha256', key).update(s, 'utf8').digest();
const uriEncode = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

export function verifySigV4(input: VerifyInput): Verdict {
  const header = input.headers.authorization;
  const m = typeof header === 'string' ? AUTH.exec(header) : null;
  if (!m) return { ok: false, why: 'Authorization header is not AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…' };
  const [, akid, date, region, service, signedList, signature] = m as unknown as string[];
  if (akid !== input.accessKeyId) return { ok: false, why: 'unknown access key id' };
  if (region !== input.region || service !== input.service) return { ok: false, why: `scope ${region}/${service}` };
  const amzDate = input.headers['x-amz-date'];
  if (typeof amzDate !== 'string' || !/^\d{8}T\d{6}Z$/.test(amzDate) || amzDate.slice(0, 8) !== date) return { ok: false, why: 'X-Amz-Date missing or not the scope date' };
  const at = Date.UTC(+amzDate.slice(0, 4), +amzDate.slice(4, 6) - 1, +amzDate.slice(6, 8), +amzDate.slice(9, 11), +amzDate.slice(11, 13), +amzDate.slice(13, 15));
  if (Math.abs((input.now ?? Date.now()) - at) > 5 * 60_000) return { ok: false, why: 'X-Amz-Date outside the allowed skew' };
  const signed = signedList!.split(';');
  for (const required of ['host', 'x-amz-date']) if (!signed.includes(required)) return { ok: false, why: `${required} is not signed` };
  if (input.headers['x-amz-security-token'] !== undefined && !signed.includes('x-amz-security-token')) return { ok: false, why: 'the session token is not signed' };
  const payloadHash = sha256(input.body ?? '');
  const claimed = input.headers['x-amz-content-sha256'];
  if (claimed !== undefined && claimed !== payloadHash) return { ok: false, why: 'X-Amz-Content-Sha256 does not match the body' };

  const q = input.rawUrl.indexOf('?');
  const rawPath = q < 0 ? input.rawUrl : input.rawUrl.slice(0, q);
  const rawQuery = q < 0 ? '' : input.rawUrl.slice(q + 1);
  // Non-S3 services: each (already encoded) path segment is encoded again.
  const canonicalUri = rawPath.split('/').map(uriEncode).join('/');
  const canonicalQuery = rawQuery
    .split('&')
    .filter((p) => p !== '')
    .map((p) => {
      const eq = p.indexOf('=');
      const [k, v] = eq < 0 ? [p, ''] : [p.slice(0, eq), p.slice(eq + 1)];
      return [uriEncode(decodeURIComponent(k)), uriEncode(decodeURIComponent(v))] as const;
    })
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalHeaders = signed
    .map((name) => {
      const v = input.headers[name];
      if (v === undefined) return undefined;
      return `${name}:${(Array.isArray(v) ? v.join(',') : v).trim().replace(/\s+/g, ' ')}\n`;
    });
  if (canonicalHeaders.includes(undefined)) return { ok: false, why: 'a signed header is missing from the request' };
  const canonicalRequest = [input.method, canonicalUri, canonicalQuery, canonicalHeaders.join(''), signedList, claimed ?? payloadHash].join('\n');
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonicalRequest)].join('\n');
  const key = hmac(hmac(hmac(hmac(`AWS4${input.secretAccessKey}`, date!), region!), service!), 'aws4_request');
  const expected = hmac(key, stringToSign);
  if (!timingSafeEqual(expected, Buffer.from(signature!, 'hex'))) return { ok: false, why: 'signature mismatch' };
  return { ok: true, signedHeaders: signed };
}
