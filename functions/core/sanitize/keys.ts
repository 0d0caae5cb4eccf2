/**
 * Field, parameter and header names whose value is a credential whatever it looks like: `token`,
 * `access_token`, `accessToken`, `X-Amz-Signature`, `client_secret`, `clientSecret`, `api_key`, `session_id`,
 * `Set-Cookie`, `AWS_SECRET_ACCESS_KEY`, `SECRET_KEY_BASE`, ... Matched on the whole name or its last part: after
 * a `_`/`-`/`.` separator (any case), or a camelCase word (`dbPassword`: a lowercase letter or digit, then the word
 * capitalized).
 */
const SENSITIVE_WORDS = [
  'token',
  'secret',
  'password',
  'passwd',
  'pwd',
  'signature',
  'credentials?',
  'session',
  'session[_-]?id',
  'sessionid',
  'cookie',
  'bearer',
  'api[_-]?key',
  'apikey',
  'private[_-]?key',
  'access[_-]?key',
  'secret[_-]?key',
  'secret[_-]?key[_-]?base',
  'authorization',
  'auth[_-]?token',
];
const SENSITIVE_WHOLE = ['jsessionid', 'phpsessid'];

/**
 * The patterns match names case-insensitively but must still see a camelCase boundary (`dbPassword`, not
 * `obsession`), which one `i` flag cannot express: words are spelled in both cases by hand and the regexes that
 * use them carry no `i` flag.
 */
const anyCase = (source: string): string => source.replace(/[a-z]/g, (c) => `[${c.toUpperCase()}${c}]`);
const capitalized = (word: string): string => `${word.charAt(0).toUpperCase()}${anyCase(word.slice(1))}`;
// After an acronym (`IDToken`, `APIToken`, `DBPassword`) the word's second letter must be lowercase (not `MYTOKEN`).
const afterAcronym = (word: string): string => `${word.charAt(0).toUpperCase()}${word.charAt(1)}${anyCase(word.slice(2))}`;

const WORDS_ANY_CASE = SENSITIVE_WORDS.map(anyCase).join('|');
const WORDS_CAPITALIZED = SENSITIVE_WORDS.map(capitalized).join('|');
const WORDS_AFTER_ACRONYM = SENSITIVE_WORDS.map(afterAcronym).join('|');

/**
 * Regex source (case-sensitive, spelled for any case; no anchors) matching a whole credential name: an optional
 * prefix ending in `_`, `-` or `.` then a sensitive word, or a camelCase prefix then the word capitalized (after a
 * lowercase letter or digit, or after an acronym). Used in front of `=`, `:` and `=>` by the patterns, so only
 * credential-named fields are ever consumed (a non-credential `k=v` must not swallow a `token=` inside its value).
 * Within one attempt each alternative scans the name once: linear.
 */
export const SENSITIVE_NAME_SOURCE =
  `(?:[\\w.-]*[_.-])?(?:${WORDS_ANY_CASE})` +
  `|[\\w.-]*(?:[a-z0-9](?:${WORDS_CAPITALIZED})|[A-Z](?:${WORDS_AFTER_ACRONYM}))` +
  `|${SENSITIVE_WHOLE.map(anyCase).join('|')}`;

export const SENSITIVE_KEY = new RegExp(`^(?:${SENSITIVE_NAME_SOURCE})$`);

/**
 * Names too common in prose (`exit code=137`, `key=pod`) to redact everywhere: their values are redacted only
 * as URL query parameters (right after `?`, `&` or `;`), where they carry OAuth codes, keys and signatures.
 * Spelled for any case, like {@link SENSITIVE_NAME_SOURCE}.
 */
export const QUERY_ONLY_SOURCE = ['key', 'sig', 'auth', 'code'].map(anyCase).join('|');
export const QUERY_ONLY_KEY = new RegExp(`^(?:${QUERY_ONLY_SOURCE})$`);

/** Whether a field/parameter name marks its value as a credential (`queryContext`: right after `?`, `&`, `;`). */
export function isSensitiveKey(name: string, queryContext = false): boolean {
  return SENSITIVE_KEY.test(name) || (queryContext && QUERY_ONLY_KEY.test(name));
}
