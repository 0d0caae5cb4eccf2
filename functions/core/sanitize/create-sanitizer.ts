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
  const text = (s: string): string => redactPatterns(redactLiterals(s, forms));
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
