import { registeredSecretValues } from './secrets.ts';

export const REDACTED = '<redacted>';

// Credentials that follow an auth scheme: token68 characters (RFC 7235) and the JWT/base64 alphabet.
const SCHEME_TOKEN = /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]+/gi;
// Whatever follows an Authorization header name up to the end of the value.
const AUTH_HEADER = /\b((?:proxy-)?authorization)(["']?\s*[:=]\s*["']?)[^\r\n"',}]*/gi;
// user:password@ in URLs.
const URL_CREDENTIALS = /(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi;

/**
 * Redact secrets from free text: every registered secret value literally (longest first), then
 * Authorization/Bearer/Basic values and URL credentials by pattern.
 */
export function redactText(text: string, secrets: readonly string[] = registeredSecretValues()): string {
  let out = text;
  for (const s of secrets) {
    if (s !== '' && out.includes(s)) out = out.split(s).join(REDACTED);
  }
  return out
    .replace(SCHEME_TOKEN, (_m, scheme: string) => `${scheme} ${REDACTED}`)
    .replace(AUTH_HEADER, (_m, name: string, sep: string) => `${name}${sep}${REDACTED}`)
    .replace(URL_CREDENTIALS, (_m, scheme: string) => `${scheme}${REDACTED}@`);
}
