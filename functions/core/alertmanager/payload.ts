import * as z from 'zod';

/**
 * Bounds of an accepted webhook payload. Alertmanager itself caps nothing here; these keep a hostile or broken
 * sender from making us hold or render unbounded data (the HTTP body cap bounds the total anyway).
 */
export const PAYLOAD_LIMITS = {
  /** Alerts per webhook (Alertmanager's `max_alerts` is 0 = unlimited by default; groups beyond this are refused). */
  maxAlerts: 1_000,
  /** Entries per label or annotation map. */
  maxMapEntries: 128,
  /** Characters (UTF-16 code units) per string. */
  maxStringLength: 16 * 1024,
} as const;

const Str = z.string().max(PAYLOAD_LIMITS.maxStringLength);

/** A label or annotation map: string → string, at most 128 entries. */
const StringMap = z
  .record(Str, Str)
  .refine((m) => Object.keys(m).length <= PAYLOAD_LIMITS.maxMapEntries, { message: 'too many entries' });

/**
 * RFC 3339 as Alertmanager writes it (Go `time.Time`): `Z` or `±hh:mm`, any fraction of a second. The zero time
 * `0001-01-01T00:00:00Z` (an unset `endsAt`) is valid.
 */
const Timestamp = z.iso.datetime({ offset: true });

const Status = z.enum(['firing', 'resolved']);

/** One alert of a v4 webhook. Unknown fields are tolerated (newer Alertmanager versions add some). */
export const AlertmanagerAlert = z
  .object({
    status: Status,
    labels: StringMap,
    annotations: StringMap.default({}),
    startsAt: Timestamp,
    endsAt: Timestamp.default('0001-01-01T00:00:00Z'),
    generatorURL: Str.default(''),
    fingerprint: Str.min(1),
  })
  .loose();

export type AlertmanagerAlert = z.infer<typeof AlertmanagerAlert>;

/**
 * Alertmanager webhook payload, version 4 (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).
 * Parsed leniently: unknown fields pass, required ones are checked, sizes are capped.
 */
export const AlertmanagerPayload = z
  .object({
    version: z.literal('4'),
    groupKey: Str,
    truncatedAlerts: z.number().int().nonnegative().default(0),
    status: Status,
    receiver: Str,
    groupLabels: StringMap.default({}),
    commonLabels: StringMap.default({}),
    commonAnnotations: StringMap.default({}),
    externalURL: Str.default(''),
    alerts: z.array(AlertmanagerAlert).max(PAYLOAD_LIMITS.maxAlerts),
  })
  .loose();

export type AlertmanagerPayload = z.infer<typeof AlertmanagerPayload>;

/** Outcome of {@link parseAlertmanagerPayload}: the payload, or the failing paths (never an input value). */
export type PayloadParseResult = { ok: true; payload: AlertmanagerPayload } | { ok: false; issues: string[] };

/** Fields of the schema: a path keeps these and array indexes, and stops at anything else (a map key is input). */
const FIELD_NAMES = new Set([...Object.keys(AlertmanagerPayload.shape), ...Object.keys(AlertmanagerAlert.shape)]);

/** At most this many paths are reported: enough to fix a payload, bounded for a hostile one. */
const MAX_ISSUES = 10;

/**
 * `alerts.3.labels` from a zod path. Label and annotation keys come from the sender and may hold anything, so the
 * path is cut before the first segment that is not a schema field or an index.
 */
export function issuePath(path: readonly PropertyKey[]): string {
  const kept: string[] = [];
  for (const segment of path) {
    if (typeof segment === 'number') kept.push(String(segment));
    else if (typeof segment === 'string' && FIELD_NAMES.has(segment)) kept.push(segment);
    else break;
  }
  return kept.length === 0 ? '(root)' : kept.join('.');
}

/** Validate a decoded JSON value as a v4 webhook payload. Issues are paths only, deduplicated, at most 10. */
export function parseAlertmanagerPayload(value: unknown): PayloadParseResult {
  const result = AlertmanagerPayload.safeParse(value);
  if (result.success) return { ok: true, payload: result.data };
  const paths = [...new Set(result.error.issues.map((issue) => issuePath(issue.path)))];
  return { ok: false, issues: paths.slice(0, MAX_ISSUES) };
}
