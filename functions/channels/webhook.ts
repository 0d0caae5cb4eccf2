import { createHmac, timingSafeEqual } from 'node:crypto';
import * as z from 'zod';
import { SecretRef } from '../config/secret-ref.ts';
import type { AlertItem, Notification } from '../core/render/types.ts';
import { truncate, type Limit } from '../core/render/truncate.ts';
import type { Secret } from '../platform/secrets.ts';
import type { Channel, ChannelDeps } from './channel.ts';
import { callTimeout } from './channel.ts';

/** Headers we set ourselves; config may not override them (a receiver relies on them for idempotency and auth). */
const RESERVED_HEADER = /^(content-type|content-length|user-agent|host|x-pooler-watch-.*)$/i;

/** Generic signed webhook: a stable JSON body, HMAC-SHA256 signed so receivers can authenticate it and reject replays. */
export const WebhookConfig = z
  .object({
    type: z.literal('webhook'),
    /** URLs often carry tokens, so the URL is a secret reference too. */
    url: SecretRef,
    /** Shared HMAC secret for `X-Pooler-Watch-Signature`. */
    secret: SecretRef,
    /** Extra static headers; values may be secret references (e.g. an `Authorization` header). */
    headers: z
      .record(
        z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'not a valid header name').refine((h) => !RESERVED_HEADER.test(h), 'reserved header'),
        z.union([z.string(), SecretRef]),
      )
      .default({}),
    /** Body cap: alerts beyond it are dropped and counted in `truncatedAlerts` (like Alertmanager's `max_alerts`). */
    maxBodyBytes: z.number().int().min(4096).default(256 * 1024),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();
export type WebhookConfig = z.infer<typeof WebhookConfig>;

export const LIMITS = {
  /** Default of `maxBodyBytes`; mirrors Alertmanager's webhook `max_alerts` + `truncatedAlerts` contract. */
  body: { max: 256 * 1024, unit: 'bytes', doc: 'https://prometheus.io/docs/alerting/latest/configuration/#webhook_config' },
} as const satisfies Record<string, Limit>;
/** Our own contract (not a vendor limit): the group headline is capped so the envelope fits the smallest body cap. */
const TITLE_MAX_CHARS = 1024;

/** Version "1" of the body. Fields are only ever added; receivers must ignore unknown ones. */
export interface WebhookPayload {
  version: '1';
  /** Idempotency key, also sent as `X-Pooler-Watch-Id`. */
  id: string;
  receiver: string;
  groupKey: string;
  kind: Notification['kind'];
  status: Notification['status'];
  severity: Notification['severity'];
  title: string;
  createdAt: string;
  /** Alerts left out to respect the body cap. */
  truncatedAlerts: number;
  alerts: AlertItem[];
}

/** Copies the documented AlertItem fields one by one, so a field added internally never leaks into the contract. */
function alertFields(a: AlertItem): AlertItem {
  return {
    fingerprint: a.fingerprint, status: a.status, severity: a.severity, rule: a.rule, pod: a.pod, target: a.target, source: a.source,
    title: a.title, summary: a.summary, hint: a.hint, promql: a.promql,
    evidence: a.evidence.map((e) => ({ name: e.name, value: e.value })),
    ...(a.sparkline ? { sparkline: { text: a.sparkline.text, caption: a.sparkline.caption } } : {}),
    startsAt: a.startsAt,
    ...(a.endsAt ? { endsAt: a.endsAt } : {}),
    links: a.links.map((l) => ({ title: l.title, url: l.url })),
    labels: { ...a.labels },
  };
}

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

/** The exact body (before `JSON.stringify`): keeps the longest prefix of alerts whose serialized body fits `maxBodyBytes`. */
export function buildWebhookPayload(n: Notification, maxBodyBytes: number = LIMITS.body.max): WebhookPayload {
  const alerts = n.alerts.map(alertFields);
  const envelope = (kept: number): WebhookPayload => ({
    version: '1', id: n.id, receiver: n.receiver, groupKey: n.groupKey, kind: n.kind, status: n.status, severity: n.severity,
    title: truncate(n.title, TITLE_MAX_CHARS), createdAt: n.createdAt, truncatedAlerts: alerts.length - kept, alerts: alerts.slice(0, kept),
  });
  // `"alerts":[a,b,c]` costs the sum of the alerts plus one comma between each: count it without re-serializing.
  const sizes = alerts.map(bytes);
  const base = bytes(envelope(0)); // an upper bound: `truncatedAlerts` only loses digits as alerts are kept
  let kept = 0;
  let sum = 0;
  while (kept < alerts.length && base + sum + sizes[kept]! + kept <= maxBodyBytes) sum += sizes[kept++]!;
  return envelope(kept);
}

/** `v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`, over exactly the bytes sent. */
export function signWebhookBody(secret: string, timestamp: string, body: string | Uint8Array): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'bad-signature' | 'stale' | 'malformed' };

/**
 * For receivers: checks `X-Pooler-Watch-Signature` against the raw body (pass the bytes as received, a Buffer if
 * you have one) in constant time, then rejects timestamps further than `toleranceSeconds` from `now` (replays).
 * `now` is milliseconds since the epoch (`Date.now()`).
 */
export function verifyWebhookSignature(input: {
  secret: string;
  timestamp: string;
  body: string | Uint8Array;
  signature: string;
  now: number;
  toleranceSeconds?: number;
}): VerifyResult {
  const { secret, timestamp, body, signature, now, toleranceSeconds = 300 } = input;
  const match = /^v1=([0-9a-fA-F]{64})$/.exec(typeof signature === 'string' ? signature.trim() : '');
  if (!secret || typeof timestamp !== 'string' || !/^\d{1,15}$/.test(timestamp) || !match) return { ok: false, reason: 'malformed' };
  const expected = createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest();
  if (!timingSafeEqual(expected, Buffer.from(match[1]!, 'hex'))) return { ok: false, reason: 'bad-signature' };
  if (!Number.isFinite(now) || Math.abs(now / 1000 - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: 'stale' };
  return { ok: true };
}

export async function createWebhookChannel(name: string, config: WebhookConfig, deps: ChannelDeps): Promise<Channel> {
  const url = await deps.resolveSecret(config.url);
  const secret = await deps.resolveSecret(config.secret);
  const extra: Record<string, string | Secret> = {};
  for (const [header, value] of Object.entries(config.headers ?? {})) {
    extra[header] = typeof value === 'string' ? value : await deps.resolveSecret(value);
  }
  return {
    type: 'webhook',
    name,
    async send(notification, ctx) {
      const body = JSON.stringify(buildWebhookPayload(notification, config.maxBodyBytes));
      const timestamp = String(Math.floor(deps.now() / 1000));
      await deps.http(
        {
          channel: 'webhook',
          url,
          headers: {
            ...extra,
            'Content-Type': 'application/json',
            'User-Agent': 'pooler-watch',
            'X-Pooler-Watch-Id': notification.id,
            'X-Pooler-Watch-Timestamp': timestamp,
            'X-Pooler-Watch-Signature': signWebhookBody(secret.reveal(), timestamp, body),
          },
          // A string is sent as-is, so the signed bytes are exactly the bytes on the wire.
          body,
          timeoutMs: callTimeout(config.timeoutMs, ctx),
          maxResponseBytes: 64 * 1024,
          signal: ctx.signal,
        },
        deps.now,
      );
    },
  };
}
