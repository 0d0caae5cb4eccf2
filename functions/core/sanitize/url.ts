import { INVALID_URL, REDACTED } from './marker.ts';

const ENCODED_MARKER = encodeURI(REDACTED);

/**
 * Scheme, host, port and path only: userinfo, query and fragment are dropped. Secrets are redacted before the
 * URL is parsed (the parser re-encodes paths and lowercases hosts, which would hide a secret's known forms) and
 * the result is redacted again. Unparseable input, and opaque URLs without a host (`mailto:`, `data:`), give
 * `<invalid url>`; so does a secret in the host, since the marker is not a valid host.
 */
export function sanitizeUrl(input: string, text: (s: string) => string): string {
  let url: URL;
  try {
    url = new URL(text(input.trim()));
  } catch {
    return INVALID_URL;
  }
  if (url.host === '') return INVALID_URL;
  const path = url.pathname.split(ENCODED_MARKER).join(REDACTED);
  return text(`${url.protocol}//${url.host}${path}`);
}
