import { createHash } from 'node:crypto';

/**
 * Stable identity of an alert: sha256 (hex, first 16 chars) of the JSON array `[rule, pod, target]`.
 * JSON keeps the canonical form unambiguous (no separator a name could contain), and the value is
 * used as PagerDuty `dedup_key` / Opsgenie `alias`, so it must never change for the same inputs.
 */
export function fingerprint(rule: string, pod: string, target: string): string {
  return createHash('sha256').update(JSON.stringify([rule, pod, target])).digest('hex').slice(0, 16);
}
