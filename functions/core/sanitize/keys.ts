/**
 * Field, parameter and header names whose value is a credential whatever it looks like: `token`,
 * `access_token`, `X-Amz-Signature`, `client_secret`, `api_key`, `session_id`, `Set-Cookie`, ...
 * Matched on the whole name or its last `_`/`-`/`.` separated part.
 */
const SENSITIVE_WORDS =
  'token|secret|password|passwd|pwd|signature|credentials?|session|session[_-]?id|sessionid|cookie|api[_-]?key|apikey|private[_-]?key|authorization|auth[_-]?token';
const SENSITIVE_WHOLE = 'jsessionid|phpsessid';

/**
 * Regex source (case-insensitive, no anchors) matching a whole credential name: an optional prefix ending in
 * `_`, `-` or `.`, then a sensitive word. Used in front of `=`/`:` by the patterns, so only credential-named
 * fields are ever consumed (a non-credential `k=v` must not swallow a `token=` inside its value).
 */
export const SENSITIVE_NAME_SOURCE = `(?:[\\w.-]*[_.-])?(?:${SENSITIVE_WORDS})|${SENSITIVE_WHOLE}`;

export const SENSITIVE_KEY = new RegExp(`^(?:${SENSITIVE_NAME_SOURCE})$`, 'i');

/**
 * Names too common in prose (`exit code=137`, `key=pod`) to redact everywhere: their values are redacted only
 * as URL query parameters (right after `?`, `&` or `;`), where they carry OAuth codes, keys and signatures.
 */
export const QUERY_ONLY_SOURCE = 'key|sig|auth|code';
export const QUERY_ONLY_KEY = new RegExp(`^(?:${QUERY_ONLY_SOURCE})$`, 'i');

/** Whether a field/parameter name marks its value as a credential (`queryContext`: right after `?`, `&`, `;`). */
export function isSensitiveKey(name: string, queryContext = false): boolean {
  return SENSITIVE_KEY.test(name) || (queryContext && QUERY_ONLY_KEY.test(name));
}
