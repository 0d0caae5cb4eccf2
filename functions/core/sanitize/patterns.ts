import { HIGH_ENTROPY_RUN, redactHighEntropy } from './entropy.ts';
import { QUERY_ONLY_SOURCE, SENSITIVE_NAME_SOURCE } from './keys.ts';
import { REDACTED } from './marker.ts';

/**
 * One kind of credential caught by shape. Every regex is global and linear-time: a run of one character class
 * starts behind a negative lookbehind of that class or right after a quote (at most two attempts per run, so it
 * may be unbounded), every other quantifier in front of a required literal is bounded, and alternations inside
 * quantifiers are disjoint, so hostile input cannot trigger catastrophic backtracking
 * (test/core/sanitize/hostile.test.ts).
 */
export interface SecretPattern {
  /** Stable name, used by tests and docs. */
  readonly name: string;
  /** What it catches, in one line. */
  readonly description: string;
  readonly regex: RegExp;
  /** Replacement for one match: `groups` are the capture groups ('' when unmatched). */
  readonly replace: (match: string, groups: readonly string[], offset: number, input: string) => string;
}

const R = REDACTED;

const HEADER_NAMES = '(?:proxy-)?authorization|(?:set-)?cookie|x-api-key|api-key|x-auth-token|x-access-token|private-token';
/**
 * An unquoted header value runs to the end of the line (Digest parameters contain quotes), except that a quote
 * closing a JSON string (`","`, `"}`, `"]`) ends it, so a header quoted inside JSON leaves the JSON intact.
 */
const RAW_HEADER_VALUE = String.raw`(?:[^\r\n"]|"(?![ \t]{0,16}[}\]]|,[ \t]{0,16}"))+`;

const TOKEN68 = '[A-Za-z0-9._~+/=-]';
/**
 * Lookahead: a scheme's credential rather than an English word ("the bearer token", "Basic memory"): it has a
 * digit or token68 punctuation, an inner capital, or 20+ letters. A lookahead rather than a check in the
 * replacer, so a word that is not a credential is not consumed and cannot hide a credential after it.
 */
const CREDENTIAL_LIKE = String.raw`(?=[A-Za-z]*[0-9._~+/=-]|[A-Za-z]+[A-Z]|[A-Za-z]{20})`;

/** One unquoted value: a single word, ended by whitespace, a quote, `,`, `;`, a bracket or a backslash. */
const BARE_VALUE = String.raw`[^\s"'\x60,;<>()[\]{}\\]`;
const BARE_VALUE_NO_DIGIT = String.raw`[^\s"'\x60,;<>()[\]{}\\0-9]`;
const BARE_VALUE_NO_LETTER = String.raw`[^\s"'\x60,;<>()[\]{}\\A-Za-z]`;
/**
 * Lookahead: an unquoted value after `name:` is a credential rather than prose ("token: expired", "password: nil",
 * "credentials: configure auth (bearer, …)", "session: 5m", "token: ExpiredTokenException") when it is 6+
 * characters with both a letter and a digit, or 20+ letters that are not CamelCase words. Each scan is bounded or
 * unambiguous (a class that cannot overlap what follows it), so a failed attempt is cheap; and it is a lookahead,
 * not a check in the replacer, so a word that is not a credential is not consumed and cannot hide a credential
 * field inside or after it.
 */
const BARE_CREDENTIAL =
  String.raw`(?=${BARE_VALUE}{6})` +
  String.raw`(?=(?=${BARE_VALUE_NO_DIGIT}{0,128}[0-9])${BARE_VALUE_NO_LETTER}{0,128}[A-Za-z]|(?!(?:[A-Z][a-z]{2,})+(?![A-Za-z]))[A-Za-z]{20})`;

/** A quoted value ends at its closing quote, or, cut off (a truncated log line), at the end of the line. */
const QUOTE_END = (quote: string): string => String.raw`(?:${quote}|(?=[\r\n]|$))`;

/** A `\"quoted\"` value inside a JSON string (an Elixir inspect or a JSON document logged as JSON). */
const ESCAPED_QUOTED = String.raw`\\"(?:[^"\\\r\n]|\\\\)*\\"`;

/** `sk-…`/`pk_…`/`rk_…` bodies: a digit, and an uppercase letter or one long unbroken segment (pod names have neither). */
function apiKeyLike(body: string): boolean {
  if (!/[0-9]/.test(body)) return false;
  return /[A-Z]/.test(body) || body.split(/[-_]/).some((part) => part.length >= 16);
}

export const SECRET_PATTERNS: readonly SecretPattern[] = [
  {
    name: 'private-key',
    description: 'PEM private key blocks',
    regex: /-----BEGIN ((?:[A-Z0-9]{1,16} ){0,4})PRIVATE KEY-----[A-Za-z0-9+/=\s]*(?:-----END \1PRIVATE KEY-----)?/g,
    replace: () => R,
  },
  {
    name: 'auth-header',
    description: 'Authorization, Proxy-Authorization, Cookie, Set-Cookie, X-Api-Key header values (raw, quoted, JSON or k=v)',
    regex: new RegExp(
      String.raw`(?<!\w)(${HEADER_NAMES})(["']?[ \t]{0,16}[:=][ \t]{0,16})` +
        String.raw`(?:"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*'|(?![ \t])${RAW_HEADER_VALUE})`,
      'gi',
    ),
    replace: (m, [name = '', sep = '']) => {
      const quote = m.charAt(name.length + sep.length);
      const quoted = (quote === '"' || quote === "'") && m.length > name.length + sep.length + 1 && m.endsWith(quote);
      return quoted ? `${name}${sep}${quote}${R}${quote}` : `${name}${sep}${R}`;
    },
  },
  {
    name: 'json-secret-field',
    description: 'JSON string fields with a credential name ("password", "client_secret", "api_key", ...)',
    regex: new RegExp(String.raw`"(${SENSITIVE_NAME_SOURCE})"([ \t]{0,8}:[ \t]{0,8})"(?:[^"\\\r\n]|\\.)*"`, 'g'),
    replace: (_m, [key, sep]) => `"${key}"${sep}"${R}"`,
  },
  {
    name: 'auth-scheme',
    description: 'Bearer, Basic, GenieKey and Token credentials (not English words: "the bearer token")',
    regex: new RegExp(
      String.raw`(?<![\w-])([Bb]earer|BEARER|[Bb]asic|BASIC|[Gg]enie[Kk]ey|(?:[Tt]oken|TOKEN)(?=[ \t]{1,8}${TOKEN68}{8}))` +
        String.raw`([ \t]{1,8})${CREDENTIAL_LIKE}${TOKEN68}+`,
      'g',
    ),
    replace: (_m, [scheme, space]) => `${scheme}${space}${R}`,
  },
  {
    name: 'url-credentials',
    description: 'userinfo in URLs (scheme://user:pass@host)',
    regex: /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]{0,31}:\/\/)[^\s/?#"'<>\\]{1,512}@/gi,
    replace: (_m, [scheme]) => `${scheme}${R}@`,
  },
  {
    name: 'webhook-url',
    description: 'Slack and Discord webhook URL paths',
    regex: /(hooks\.slack\.com\/(?:services|workflows|triggers)\/|discord(?:app)?\.com\/api\/webhooks\/[0-9]{1,32}\/)[A-Za-z0-9_/-]+/gi,
    replace: (_m, [prefix]) => `${prefix}${R}`,
  },
  {
    name: 'telegram-bot-token',
    description: 'Telegram bot tokens (123456789:AA…, also as /bot<token>/ in API URLs)',
    regex: /(?<![A-Za-z0-9])(bot)?[0-9]{6,12}:[A-Za-z0-9_-]{35}(?![A-Za-z0-9_-])/g,
    replace: (_m, [bot]) => `${bot}${R}`,
  },
  {
    name: 'credential-param',
    description: 'credential query/k=v parameters (token, access_token, api_key, secret, password, session, X-Amz-Signature; key, sig, auth, code in URLs)',
    regex: new RegExp(
      String.raw`(?<![\w.-])(${SENSITIVE_NAME_SOURCE}|(?<=[?&;])(?:${QUERY_ONLY_SOURCE}))(=["']?)[^\s&#"'<>;,~][^\s&#"'<>;,]*`,
      'g',
    ),
    replace: (_m, [key, sep]) => `${key}${sep}${R}`,
  },
  {
    name: 'colon-secret-field',
    description:
      'credential-named fields written `name: value` or `name => value` (YAML, Elixir keyword lists, maps and ~c sigils, Python/Ruby hashes, also JSON-escaped inside a JSON string): quoted values always, bare ones when credential-like',
    regex: new RegExp(
      String.raw`(?:(\\?["'])|(?<![\w.-]))(${SENSITIVE_NAME_SOURCE})\1([ \t]{0,16}(?::|=>)[ \t]{0,16}(?:~[A-Za-z](?=["']))?)` +
        String.raw`(?:"(?:[^"\\\r\n]|\\.)*${QUOTE_END('"')}|'(?:[^'\\\r\n]|\\.)*${QUOTE_END("'")}|${ESCAPED_QUOTED}|${BARE_CREDENTIAL}${BARE_VALUE}+)`,
      'g',
    ),
    replace: (m, [quote = '', key = '', sep = '']) => {
      const head = `${quote}${key}${quote}${sep}`;
      const open = m.charAt(head.length);
      if (open === '\\') return `${head}\\"${R}\\"`;
      if (open !== '"' && open !== "'") return `${head}${R}`;
      return m.length > head.length + 1 && m.endsWith(open) ? `${head}${open}${R}${open}` : `${head}${open}${R}`;
    },
  },
  {
    name: 'api-key',
    description: 'sk-, sk-proj-, sk_live_, pk_, rk_ style API keys',
    regex: /(?<![A-Za-z0-9_-])(?:sk|pk|rk)[-_]([A-Za-z0-9_-]{16,})/g,
    replace: (m, [body = '']) => (apiKeyLike(body) ? R : m),
  },
  {
    name: 'slack-token',
    description: 'Slack tokens (xoxb-, xoxp-, xoxa-, xoxr-, xoxs-, xapp-)',
    regex: /(?<![A-Za-z0-9-])(?:xox[abprse]-|xapp-)[A-Za-z0-9-]{10,}/g,
    replace: () => R,
  },
  {
    name: 'github-token',
    description: 'GitHub tokens (ghp_, gho_, ghu_, ghs_, ghr_, github_pat_)',
    regex: /(?<![A-Za-z0-9_])(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})/g,
    replace: () => R,
  },
  {
    name: 'aws-access-key-id',
    description: 'AWS access key ids (AKIA…, ASIA…)',
    regex: /(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Za-z0-9])/g,
    replace: () => R,
  },
  {
    name: 'google-api-key',
    description: 'Google API keys (AIza…)',
    regex: /(?<![A-Za-z0-9_-])AIza[A-Za-z0-9_-]{35}/g,
    replace: () => R,
  },
  {
    name: 'jwt',
    description: 'JSON Web Tokens: three base64url segments starting eyJ',
    regex: /(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g,
    replace: () => R,
  },
  {
    name: 'high-entropy',
    description: 'long (≥ 32) random-looking runs: ≥ 4.0 bits/char, mixed classes; not hex digests, UUIDs, metric or pod names',
    regex: HIGH_ENTROPY_RUN,
    replace: (m) => redactHighEntropy(m),
  },
];

/** Apply one pattern to `text`. */
export function applyPattern(pattern: SecretPattern, text: string): string {
  return text.replace(pattern.regex, (...args: unknown[]) => {
    const named = typeof args[args.length - 1] === 'object';
    const end = args.length - (named ? 3 : 2);
    const groups = args.slice(1, end).map((g) => (typeof g === 'string' ? g : ''));
    return pattern.replace(args[0] as string, groups, args[end] as number, args[end + 1] as string);
  });
}

/** Apply every pattern in order. */
export function redactPatterns(text: string): string {
  let out = text;
  for (const pattern of SECRET_PATTERNS) out = applyPattern(pattern, out);
  return out;
}
