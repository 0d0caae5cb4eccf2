import { createHash, timingSafeEqual } from 'node:crypto';
import type { Secret } from '../secrets.ts';

/**
 * How webhook callers authenticate: Alertmanager's `http_config.authorization` (a bearer token) and/or
 * `http_config.basic_auth`. Either configured scheme is accepted. `'none'` must be chosen explicitly.
 */
export type ReceiverAuth = { bearer?: Secret; basic?: { username: Secret; password: Secret } } | 'none';

const REALM = 'pooler-watch';
/** Longer Authorization values are refused unread (a token or `user:pass` is far shorter). */
const MAX_HEADER_LENGTH = 8 * 1024;

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/** Constant-time equality on SHA-256 digests, so neither content nor length leaks through timing. */
export function safeEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** Whether `auth` has at least one scheme (or is explicitly `'none'`). */
export function authConfigured(auth: ReceiverAuth): boolean {
  return auth === 'none' || auth.bearer !== undefined || auth.basic !== undefined;
}

/** The `WWW-Authenticate` challenge for a 401 (RFC 7235: several challenges in one header, comma-separated). */
export function challenge(auth: ReceiverAuth): string {
  if (auth === 'none') return `Bearer realm="${REALM}"`;
  const parts: string[] = [];
  if (auth.bearer) parts.push(`Bearer realm="${REALM}"`);
  if (auth.basic) parts.push(`Basic realm="${REALM}", charset="UTF-8"`);
  return parts.length > 0 ? parts.join(', ') : `Bearer realm="${REALM}"`;
}

/**
 * Does this `Authorization` header value carry valid credentials? The scheme is case-insensitive; both parts
 * of basic credentials are always compared (no short cut on a wrong username).
 */
export function isAuthorized(header: string | undefined, auth: ReceiverAuth): boolean {
  if (auth === 'none') return true;
  if (header === undefined || header.length > MAX_HEADER_LENGTH) return false;
  const match = /^([A-Za-z]+) +(\S+) *$/.exec(header);
  if (!match) return false;
  const scheme = match[1]!.toLowerCase();
  const credentials = match[2]!;
  if (scheme === 'bearer' && auth.bearer) return safeEqual(credentials, auth.bearer.reveal());
  if (scheme === 'basic' && auth.basic) {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return false;
    const user = safeEqual(decoded.slice(0, colon), auth.basic.username.reveal());
    const pass = safeEqual(decoded.slice(colon + 1), auth.basic.password.reveal());
    return user && pass;
  }
  return false;
}
