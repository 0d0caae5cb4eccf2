import { deepSanitize } from './deep.ts';
import { DEFAULT_ANNOTATION_ALLOWLIST, DEFAULT_LABEL_ALLOWLIST, filterKeys } from './labels.ts';
import { DEFAULT_MIN_SECRET_LENGTH, literalForms, redactLiterals } from './literals.ts';
import { redactPatterns } from './patterns.ts';
import { sanitizeUrl } from './url.ts';

/** Options of {@link createSanitizer}. */
export interface SanitizerOptions {
  /** Every resolved secret value; each is redacted raw and in its encoded forms. */
  secrets: readonly string[];
  /** Label keys that may leave; replaces {@link DEFAULT_LABEL_ALLOWLIST}. */
  labelAllowlist?: readonly string[];
  /** Annotation keys that may leave; replaces {@link DEFAULT_ANNOTATION_ALLOWLIST}. */
  annotationAllowlist?: readonly string[];
  /** Label keys kept as `sha256:<12 hex>` of their value (e.g. `user`, `api_key_id`, `session_id`). */
  hashLabels?: readonly string[];
  /** Secrets shorter than this are ignored; default 4. */
  minSecretLength?: number;
}

/** The one way text leaves the process: notifications, log lines, metric dimensions, error messages. */
export interface Sanitizer {
  /** Registered secrets (and their encoded forms) and credential patterns replaced by `<redacted>`. Idempotent. */
  text(s: string): string;
  /** Scheme, host, port and path only, then {@link Sanitizer.text}; `<invalid url>` when unparseable. */
  url(u: string): string;
  /** Allowlisted, valid label names only; values cleaned and capped at 1,024 chars; `hashLabels` hashed. */
  labels(l: Readonly<Record<string, string>>): Record<string, string>;
  /** Allowlisted annotation keys only; values cleaned and capped at 1,024 chars. */
  annotations(a: Readonly<Record<string, string>>): Record<string, string>;
  /** A copy of a JSON-like value with every string, keys included, through {@link Sanitizer.text}. */
  deep<T>(value: T): T;
}

/**
 * Build a sanitizer. Encoded forms of the secrets are computed once here; `text` then redacts literals
 * (longest first) before patterns, so a secret is gone whole before any pattern can cut it apart.
 */
export function createSanitizer(options: SanitizerOptions): Sanitizer {
  const forms = literalForms(options.secrets, options.minSecretLength ?? DEFAULT_MIN_SECRET_LENGTH);
  const text = memoize((s: string): string => redactPatterns(redactLiterals(s, forms)));
  const hash = new Set(options.hashLabels ?? []);
  const labelPolicy = { allow: new Set(options.labelAllowlist ?? DEFAULT_LABEL_ALLOWLIST), hash, labelNames: true, text };
  const annotationPolicy = { allow: new Set(options.annotationAllowlist ?? DEFAULT_ANNOTATION_ALLOWLIST), hash: new Set<string>(), labelNames: false, text };
  return {
    text,
    url: (u) => sanitizeUrl(u, text),
    labels: (l) => filterKeys(l, labelPolicy),
    annotations: (a) => filterKeys(a, annotationPolicy),
    deep: (value) => deepSanitize(value, text),
  };
}

const MEMO_ENTRIES = 4096;
const MEMO_MAX_LENGTH = 2048;

/**
 * Alert text repeats (the same pod names, rules, annotations on every webhook and round), and the pattern pass is
 * the receiver's hottest code: remember recent results. Pure function, so a cache hit is always right; bounded in
 * entries and in the length of what is cached, oldest evicted first.
 */
function memoize(fn: (s: string) => string): (s: string) => string {
  const cache = new Map<string, string>();
  return (s) => {
    if (s.length > MEMO_MAX_LENGTH) return fn(s);
    const hit = cache.get(s);
    if (hit !== undefined) return hit;
    const out = fn(s);
    if (cache.size >= MEMO_ENTRIES) cache.delete(cache.keys().next().value as string);
    cache.set(s, out);
    return out;
  };
}
