import { createHash } from 'node:crypto';
import { truncate } from '../render/truncate.ts';

/** Label keys that may leave the process (unless the caller passes its own list). */
export const DEFAULT_LABEL_ALLOWLIST: readonly string[] = [
  'alertname',
  'severity',
  'rule',
  'pod',
  'namespace',
  'container',
  'job',
  'target',
  'source',
  'status',
  'route_class',
  'transport',
  'method',
  'status_class',
  'command',
  'reason',
  'instance',
  'service',
  'cluster',
  'prometheus',
];

/** Annotation keys that may leave the process (unless the caller passes its own list). */
export const DEFAULT_ANNOTATION_ALLOWLIST: readonly string[] = ['summary', 'description', 'runbook_url', 'dashboard_url', 'hint', 'promql'];

/** Longest label or annotation value that leaves, in characters (longer ones end with `…`). */
export const MAX_VALUE_LENGTH = 1024;

/** Prometheus label name syntax. */
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** How a key/value map is filtered: who passes, who is hashed, how values are cleaned. */
export interface KeyPolicy {
  allow: ReadonlySet<string>;
  hash: ReadonlySet<string>;
  /** Require Prometheus label-name syntax for keys. */
  labelNames: boolean;
  text: (s: string) => string;
}

/** `sha256:<first 12 hex>` of a value: identity (same value, same hash) without the value. */
export function hashValue(value: string): string {
  return `sha256:${createHash('sha256').update(value, 'utf8').digest('hex').slice(0, 12)}`;
}

/**
 * Keep allowlisted keys (values through `text`, then capped), hash `hash` keys, drop everything else. Values are
 * redacted before they are cut, so a cut can never leave half a secret that no longer matches.
 */
export function filterKeys(input: Readonly<Record<string, string>>, policy: KeyPolicy): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(input)) {
    if (policy.labelNames && !LABEL_NAME.test(key)) continue;
    const value = typeof raw === 'string' ? raw : String(raw);
    if (policy.hash.has(key)) out[key] = hashValue(value);
    else if (policy.allow.has(key)) out[key] = truncate(policy.text(value), MAX_VALUE_LENGTH);
  }
  return out;
}
