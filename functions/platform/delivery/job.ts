import * as z from 'zod';
import type { Notification } from '../../core/render/types.ts';

/**
 * Schema for a Notification read back from disk: required fields checked, unknown fields kept
 * (looseObject) so a file written by a newer version round-trips unchanged.
 */
export const StoredNotification = z.looseObject({
  id: z.string().min(1),
  receiver: z.string(),
  groupKey: z.string(),
  kind: z.enum(['trigger', 'remind', 'resolve', 'test']),
  status: z.enum(['firing', 'resolved']),
  severity: z.enum(['critical', 'warning', 'info']),
  title: z.string(),
  alerts: z.array(z.looseObject({ fingerprint: z.string(), status: z.enum(['firing', 'resolved']) })),
  createdAt: z.string(),
});

/** Why a fallback job exists: the primary receiver failed for good. */
export const PrimaryFailure = z.looseObject({ receiver: z.string(), reason: z.string() });
export type PrimaryFailure = { receiver: string; reason: string };

/** Schema of {@link DeliveryJob} as stored in outbox and dead-letter lines. */
export const DeliveryJobSchema = z.looseObject({
  id: z.string().min(1),
  receiver: z.string().min(1),
  fallback: z.string().min(1).optional(),
  notification: StoredNotification,
  enqueuedAt: z.string(),
  primaryFailure: PrimaryFailure.optional(),
});

/**
 * One notification to deliver to one receiver. `id` is the idempotency key (ledger, vendor dedup:
 * PagerDuty `dedup_key`, Opsgenie `alias`, webhook `X-Pooler-Watch-Id`); a fallback job's id is the
 * primary's id + `:fallback` and it carries `primaryFailure` so its message says the primary failed.
 */
export interface DeliveryJob {
  id: string;
  receiver: string;
  fallback?: string;
  notification: Notification;
  /** ISO-8601. */
  enqueuedAt: string;
  primaryFailure?: PrimaryFailure;
}

/** A job read back from disk; the schema checked the fields a delivery needs (alerts are kept as written). */
export function jobFromStored(stored: z.output<typeof DeliveryJobSchema>): DeliveryJob {
  return stored as unknown as DeliveryJob;
}

/** The fallback job for a primary that failed for good. */
export function fallbackJob(primary: DeliveryJob, reason: string, enqueuedAt: string): DeliveryJob {
  return {
    id: `${primary.id}:fallback`,
    receiver: primary.fallback ?? primary.receiver,
    notification: primary.notification,
    enqueuedAt,
    primaryFailure: { receiver: primary.receiver, reason },
  };
}

/**
 * The notification as this job sends it: its id and receiver are the job's (so vendor idempotency keys
 * follow the job), and a fallback's title says which receiver failed and why (reason is secret-free by
 * construction: ChannelError reasons never carry URLs or bodies). Channels truncate titles to vendor limits.
 */
export function notificationForJob(job: DeliveryJob): Notification {
  const n = job.notification;
  const title = job.primaryFailure
    ? `${n.title} [sent to fallback: receiver ${job.primaryFailure.receiver} failed (${job.primaryFailure.reason})]`
    : n.title;
  return { ...n, id: job.id, receiver: job.receiver, title };
}
