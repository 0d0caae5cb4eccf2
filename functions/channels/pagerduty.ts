import * as z from 'zod';
import { SecretRef } from '../config/secret-ref.ts';
import type { AlertItem, Notification } from '../core/render/types.ts';
import type { Severity } from '../core/types.ts';
import { truncate, truncateList } from '../core/render/truncate.ts';
import type { Limit } from '../core/render/truncate.ts';
import type { Channel, ChannelDeps, SendContext } from './channel.ts';
import { callTimeout } from './channel.ts';

/** PagerDuty Events API v2 receiver. The integration (routing) key travels in the body, never in a URL. */
export const PagerDutyConfig = z
  .object({
    type: z.literal('pagerduty'),
    routingKey: SecretRef,
    /** `us` → events.pagerduty.com, `eu` → events.eu.pagerduty.com; `baseUrl` wins when set. */
    region: z.enum(['us', 'eu']).default('us'),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Shown as the event's `client` / `client_url` (the "View in pooler-watch" link). */
    client: z.string().min(1).max(256).default('pooler-watch'),
    clientUrl: z.url({ protocol: /^https?$/ }).optional(),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();
export type PagerDutyConfig = z.infer<typeof PagerDutyConfig>;

const EVENTS_DOC = 'https://developer.pagerduty.com/docs/events-api-v2/trigger-events/';
export const LIMITS = {
  summary: { max: 1024, unit: 'chars', doc: EVENTS_DOC },
  dedupKey: { max: 255, unit: 'chars', doc: EVENTS_DOC },
  /** "Events API payloads are limited to 512 KB": read conservatively as 512 000 bytes of JSON body. */
  event: { max: 512_000, unit: 'bytes', doc: 'https://developer.pagerduty.com/docs/events-api-v2/overview/#size-limits' },
} as const satisfies Record<string, Limit>;

const BASE_URLS = { us: 'https://events.pagerduty.com', eu: 'https://events.eu.pagerduty.com' } as const;
/** Our own cap (not PagerDuty's) on one free-text detail when the event must shrink to fit LIMITS.event. */
const SHRUNK_DETAIL: Limit = { max: 1024, unit: 'chars', doc: LIMITS.event.doc };

/** One Events API v2 request body. `routing_key` is empty when built without the key (goldens, previews). */
export interface PagerDutyEvent {
  routing_key: string;
  event_action: 'trigger' | 'resolve';
  dedup_key: string;
  payload?: {
    summary: string;
    source: string;
    /** critical→critical, warning→warning, info→info; PagerDuty's `error` is unused. */
    severity: 'critical' | 'warning' | 'info';
    timestamp: string;
    component: string;
    group: string;
    class: string;
    custom_details: Record<string, unknown>;
  };
  links?: Array<{ href: string; text: string }>;
  client?: string;
  client_url?: string;
}

export interface PagerDutyPayloadOptions {
  routingKey?: string;
  client?: string;
  clientUrl?: string;
}

/** PagerDuty severities are critical|error|warning|info; ours map one to one and `error` stays unused. */
const SEVERITY = { critical: 'critical', warning: 'warning', info: 'info' } as const satisfies Record<Severity, string>;

const bytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
const markTest = (text: string) => (text.startsWith('[TEST]') ? text : `[TEST] ${text}`);

/** Ways to make an oversized event fit LIMITS.event, least important detail first; applied cumulatively. */
const SHRINKERS: Array<(d: Record<string, unknown>) => void> = [
  (d) => {
    const ev = Object.entries((d.evidence ?? {}) as Record<string, string>);
    const kept = truncateList(ev, 20, (n) => ['omitted', `${n} more entries`] as [string, string]);
    d.evidence = Object.fromEntries(kept.map(([k, v]) => [truncate(k, 128), truncate(v, 256)]));
  },
  (d) => {
    delete d.evidence;
    d.evidence_omitted = 'too large for PagerDuty';
  },
  (d) => {
    for (const k of ['hint', 'promql', 'summary', 'sparkline'])
      if (typeof d[k] === 'string') d[k] = truncate(d[k] as string, SHRUNK_DETAIL);
    d.labels = {};
  },
  (d) => {
    for (const k of Object.keys(d)) delete d[k];
    d.note = 'details omitted: too large for PagerDuty';
  },
];

function triggerEvent(n: Notification, a: AlertItem, key: string, opts: PagerDutyPayloadOptions): PagerDutyEvent {
  const test = n.kind === 'test';
  const details: Record<string, unknown> = {
    ...(test ? { test: 'wiring test from pooler-watch: no action needed' } : {}),
    summary: a.summary,
    hint: a.hint,
    evidence: Object.fromEntries(a.evidence.map((e) => [e.name, e.value])),
    ...(a.promql ? { promql: a.promql } : {}),
    ...(a.sparkline ? { sparkline: `${a.sparkline.text} (${a.sparkline.caption})` } : {}),
    target: a.target,
    origin: a.source,
    starts_at: a.startsAt,
    labels: a.labels,
  };
  const headline = `${a.title}: ${a.summary}`;
  const event: PagerDutyEvent = {
    routing_key: opts.routingKey ?? '',
    event_action: 'trigger',
    dedup_key: key,
    payload: {
      summary: truncate(test ? markTest(headline) : headline, LIMITS.summary),
      source: a.pod,
      severity: SEVERITY[a.severity],
      timestamp: n.createdAt,
      component: a.pod,
      group: a.rule,
      class: a.rule,
      custom_details: details,
    },
    links: a.links.map((l) => ({ href: l.url, text: l.title })),
    client: opts.client ?? 'pooler-watch',
    ...(opts.clientUrl ? { client_url: opts.clientUrl } : {}),
  };
  for (const shrink of SHRINKERS) {
    if (bytes(event) <= LIMITS.event.max) break;
    shrink(details);
  }
  return event;
}

/**
 * The exact request bodies, one per alert (PagerDuty deduplicates per alert): `trigger` for a firing alert,
 * `resolve` (same `dedup_key` = fingerprint) for a resolved one. A `test` notification triggers under a
 * `test:`-prefixed key (never touching a real incident) and resolves it right away, so no incident stays open.
 */
export function buildPagerDutyPayload(n: Notification, opts: PagerDutyPayloadOptions = {}): PagerDutyEvent[] {
  const routing_key = opts.routingKey ?? '';
  // A group carries its already-known alerts for context; a per-alert pager must not re-send those.
  return n.alerts.filter((a) => a.action !== 'remind').flatMap((a) => {
    const key = truncate(n.kind === 'test' ? `test:${a.fingerprint}` : a.fingerprint, LIMITS.dedupKey);
    const resolve: PagerDutyEvent = { routing_key, event_action: 'resolve', dedup_key: key };
    if (n.kind === 'test') return [triggerEvent(n, a, key, opts), resolve];
    return n.status === 'resolved' || a.status === 'resolved' ? [resolve] : [triggerEvent(n, a, key, opts)];
  });
}

export async function createPagerDutyChannel(name: string, config: PagerDutyConfig, deps: ChannelDeps): Promise<Channel> {
  const routingKey = await deps.resolveSecret(config.routingKey);
  const url = `${(config.baseUrl ?? BASE_URLS[config.region]).replace(/\/+$/, '')}/v2/enqueue`;
  return {
    type: 'pagerduty',
    name,
    async send(notification: Notification, ctx: SendContext) {
      // The routing key is part of the body PagerDuty requires; passing it here lets the size check count it.
      const events = buildPagerDutyPayload(notification, { routingKey: routingKey.reveal(), client: config.client, clientUrl: config.clientUrl });
      // Sequential on purpose: if one fails we throw and the delivery layer retries the whole notification;
      // the dedup_key makes re-sending the events that already went through idempotent at PagerDuty.
      for (const event of events) {
        await deps.http({
          channel: 'pagerduty',
          url,
          headers: { 'content-type': 'application/json' },
          body: event,
          timeoutMs: callTimeout(config.timeoutMs, ctx),
          signal: ctx.signal,
          maxResponseBytes: 64 * 1024,
        });
      }
    },
  };
}
