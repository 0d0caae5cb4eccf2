import { createSanitizer } from '../core/sanitize/index.ts';
import type { Sanitizer } from '../core/sanitize/index.ts';
import { registeredSecretValues } from './secrets.ts';

export { REDACTED } from '../core/sanitize/index.ts';

// One sanitizer per secrets array: registeredSecretValues() returns the same array until a new secret is
// registered, so the encoded forms are computed once per registration, not once per log line.
const cache = new WeakMap<readonly string[], Sanitizer>();

function sanitizerFor(secrets: readonly string[]): Sanitizer {
  let sanitizer = cache.get(secrets);
  if (sanitizer === undefined) {
    // minSecretLength 1: every registered value is redacted, however short (resolveSecret rejects empty ones).
    sanitizer = createSanitizer({ secrets, minSecretLength: 1 });
    cache.set(secrets, sanitizer);
  }
  return sanitizer;
}

/**
 * Redact secrets from free text through the core sanitizer (`functions/core/sanitize`): every registered secret
 * value literally, longest first, with its URL-encoded, base64 and base64url forms, then credential patterns
 * (Authorization/Cookie headers, Bearer/Basic, API keys, JWTs, URL credentials, token query parameters, ...).
 */
export function redactText(text: string, secrets: readonly string[] = registeredSecretValues()): string {
  return sanitizerFor(secrets).text(text);
}
