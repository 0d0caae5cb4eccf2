import { createHash } from 'node:crypto';
import type { AlertmanagerPayload } from './payload.ts';

/**
 * Idempotency key of a webhook: sha256 over its group key, status and the sorted (fingerprint, status, startsAt)
 * of its alerts. Alertmanager retries a failed delivery with the same content, so a retry maps to the same key;
 * a new transition (an alert resolving, a new alert, a re-fire with a new `startsAt`) gives a new one.
 * Order of alerts does not matter. Returns `amw-<32 hex>`.
 */
export function webhookKey(payload: Pick<AlertmanagerPayload, 'groupKey' | 'status' | 'alerts'>): string {
  const parts = payload.alerts
    .map((a) => [a.fingerprint, a.status, a.startsAt] as const)
    .sort((a, b) => cmp(a[0], b[0]) || cmp(a[1], b[1]) || cmp(a[2], b[2]));
  const canonical = JSON.stringify([payload.groupKey, payload.status, parts]);
  return `amw-${createHash('sha256').update(canonical, 'utf8').digest('hex').slice(0, 32)}`;
}

/**
 * The Alertmanager group a webhook belongs to, as our notifications' group key: the same for every notification of
 * the group (firing, then resolved), so chat threads and webhook consumers can tie them together. Hashed: Alertmanager's
 * groupKey holds label values.
 */
export function webhookGroup(payload: Pick<AlertmanagerPayload, 'groupKey' | 'receiver'>): string {
  return `amg-${createHash('sha256').update(JSON.stringify([payload.receiver, payload.groupKey]), 'utf8').digest('hex').slice(0, 32)}`;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
