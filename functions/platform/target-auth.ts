import type { Target } from '../config/schema.ts';
import { registerDerivedSecret } from './secrets.ts';
import type { Secret } from './secrets.ts';

/*
 * A target's credentials, shared by the /metrics and /federate scrape and the PromQL source. Its own module because
 * scrape.ts must not import promql-source.ts statically (that one is loaded on first use, with SigV4).
 */

export type AuthType = 'bearer' | 'basic' | 'sigv4' | 'none';

/** The hint of a refused basic-auth request, whichever kind of target sent it. */
export const BASIC_AUTH_HINT = 'check the basic-auth username and the password the target references';

/**
 * The credentials a request carries: the target's `auth.type`, else bearer when a token was resolved (the only auth
 * before `auth:` existed, so targets without it behave as they always did). A token-based type with no token
 * resolved sends nothing and is `none`, so a 401 is reported as missing credentials, not as rejected ones.
 */
export function authType(target: Target, token: Secret | undefined): AuthType {
  const type = target.auth?.type ?? (token ? 'bearer' : 'none');
  return (type === 'bearer' || type === 'basic') && !token ? 'none' : type;
}

/** Headers every request of the target carries; SigV4 signs each request, so it is not here. */
export function authHeaders(target: Target, token: Secret | undefined): Record<string, string> {
  const type = authType(target, token);
  if (type === 'bearer' && token) return { Authorization: `Bearer ${token.reveal()}` };
  if (type === 'basic' && token && target.auth?.type === 'basic') {
    const credentials = Buffer.from(`${target.auth.username}:${token.reveal()}`, 'utf8').toString('base64');
    // The sanitizer knows the password's own base64, which is not a substring of this one: register this too.
    registerDerivedSecret(credentials);
    return { Authorization: `Basic ${credentials}` };
  }
  return {};
}

/** The detail of a 401/403: which credentials were refused; `unauthenticated` when none were sent. */
export function rejectedDetail(status: number, type: AuthType, unauthenticated: string): string {
  if (type === 'none') return `${status} ${unauthenticated}`;
  if (type === 'sigv4') return `${status} SigV4 request rejected`;
  return `${status} ${type === 'basic' ? 'basic-auth credentials' : 'token'} rejected`;
}
