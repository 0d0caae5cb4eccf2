import * as z from 'zod';
import { SecretRef } from '../config/secret-ref.ts';
import type { AlertItem, Notification } from '../core/render/types.ts';
import { truncate, truncateList } from '../core/render/truncate.ts';
import type { Limit } from '../core/render/truncate.ts';
import { Secret } from '../platform/secrets.ts';
import type { Channel, ChannelDeps, SendContext } from './channel.ts';
import { callTimeout } from './channel.ts';

const Priority = z.enum(['P1', 'P2', 'P3', 'P4', 'P5']);
const DEFAULT_PRIORITY = { critical: 'P1', warning: 'P3', info: 'P5' } as const;

/** Opsgenie Alert API receiver (an API integration's key, sent as `Authorization: GenieKey <key>`). */
export const OpsgenieConfig = z
  .object({
    type: z.literal('opsgenie'),
    apiKey: SecretRef,
    /** `us` → api.opsgenie.com, `eu` → api.eu.opsgenie.com; `baseUrl` wins when set. */
    region: z.enum(['us', 'eu']).default('us'),
    baseUrl: z.url({ protocol: /^https?$/ }).optional(),
    /** Severity → Opsgenie priority: critical pages (P1), warning is chat-level (P3), info is record-only (P5). */
    priority: z
      .object({ critical: Priority.default('P1'), warning: Priority.default('P3'), info: Priority.default('P5') })
      .strict()
      .default(DEFAULT_PRIORITY),
    /** Extra tags on every alert (e.g. the team or environment). */
    tags: z.array(z.string().min(1)).default([]),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();
export type OpsgenieConfig = z.infer<typeof OpsgenieConfig>;

const ALERT_API = 'https://docs.opsgenie.com/docs/alert-api';
export const LIMITS = {
  message: { max: 130, unit: 'chars', doc: `${ALERT_API}#create-alert` },
  alias: { max: 512, unit: 'chars', doc: `${ALERT_API}#create-alert` },
  description: { max: 15_000, unit: 'chars', doc: `${ALERT_API}#create-alert` },
  tagCount: { max: 20, unit: 'chars', doc: 'https://docs.opsgenie.com/docs/alerts-and-alert-fields' },
  tag: { max: 50, unit: 'chars', doc: 'https://docs.opsgenie.com/docs/alerts-and-alert-fields' },
  /** All keys and values of `details` together. */
  details: { max: 8_000, unit: 'chars', doc: `${ALERT_API}#create-alert` },
  entity: { max: 512, unit: 'chars', doc: `${ALERT_API}#create-alert` },
  source: { max: 100, unit: 'chars', doc: `${ALERT_API}#create-alert` },
  note: { max: 25_000, unit: 'chars', doc: `${ALERT_API}#close-alert` },
} as const satisfies Record<string, Limit>;

const BASE_URLS = { us: 'https://api.opsgenie.com', eu: 'https://api.eu.opsgenie.com' } as const;
const SOURCE = 'pooler-watch';

/** One Alert API call: create (`/v2/alerts`) or close by alias. */
export interface OpsgenieRequest {
  path: string;
  body: Record<string, unknown>;
}

export interface OpsgeniePayloadOptions {
  priority?: Record<'critical' | 'warning' | 'info', z.infer<typeof Priority>>;
  tags?: string[];
}

const chars = (s: string) => Array.from(s).length;
const markTest = (text: string) => (text.startsWith('[TEST]') ? text : `[TEST] ${text}`);

/** Fills `details` in order of importance until the 8 000-character budget (keys + values) is spent. */
function fitDetails(entries: Array<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  let left = LIMITS.details.max;
  for (const [key, value] of entries) {
    const room = left - chars(key);
    if (key in out || room < Math.min(chars(value), 16)) continue;
    out[key] = truncate(value, room);
    left -= chars(key) + chars(out[key]);
  }
  return out;
}

function describe(a: AlertItem): string {
  const lines = [a.summary, '', `Next step: ${a.hint}`];
  if (a.evidence.length) lines.push('', 'Evidence:', ...a.evidence.map((e) => `- ${e.name}: ${e.value}`));
  if (a.sparkline) lines.push('', `Trend: ${a.sparkline.text} (${a.sparkline.caption})`);
  if (a.promql) lines.push('', `PromQL: ${a.promql}`);
  lines.push('', `Pod ${a.pod}, target ${a.target}, rule ${a.rule}, via ${a.source}, since ${a.startsAt}`);
  lines.push(...a.links.map((l) => `${l.title}: ${l.url}`));
  return lines.join('\n');
}

function createRequest(n: Notification, a: AlertItem, alias: string, opts: OpsgeniePayloadOptions): OpsgenieRequest {
  const test = n.kind === 'test';
  const tags = [SOURCE, `severity:${a.severity}`, `rule:${a.rule}`, ...(test ? ['test'] : []), ...(opts.tags ?? [])];
  const details: Array<[string, string]> = [
    ...(test ? [['test', 'wiring test from pooler-watch: no action needed'] as [string, string]] : []),
    ['pod', a.pod],
    ['target', a.target],
    ['rule', a.rule],
    ['severity', a.severity],
    ['origin', a.source],
    ['startsAt', a.startsAt],
    ...a.evidence.map((e) => [e.name, e.value] as [string, string]),
    ...Object.entries(a.labels).map(([k, v]) => [`label.${k}`, v] as [string, string]),
  ];
  return {
    path: '/v2/alerts',
    body: {
      message: truncate(test ? markTest(a.title) : a.title, LIMITS.message),
      alias,
      description: truncate(describe(a), LIMITS.description),
      priority: (opts.priority ?? DEFAULT_PRIORITY)[a.severity],
      tags: truncateList(tags, LIMITS.tagCount.max, (k) => `+${k} more`).map((t) => truncate(t, LIMITS.tag)),
      details: fitDetails(details),
      entity: truncate(a.pod, LIMITS.entity),
      source: SOURCE,
    },
  };
}

function closeRequest(alias: string, note: string): OpsgenieRequest {
  return {
    path: `/v2/alerts/${encodeURIComponent(alias)}/close?identifierType=alias`,
    body: { source: SOURCE, note: truncate(note, LIMITS.note) },
  };
}

/**
 * The exact requests, one per alert: create (alias = fingerprint, so Opsgenie deduplicates) while firing,
 * close by alias once resolved. A `test` notification creates a `[TEST]` alert under a `test:`-prefixed alias
 * (never merging into a real alert) and closes it right away.
 */
export function buildOpsgeniePayload(n: Notification, opts: OpsgeniePayloadOptions = {}): OpsgenieRequest[] {
  // A group carries its already-known alerts for context; a per-alert pager must not re-send those.
  return n.alerts.filter((a) => a.action !== 'remind').flatMap((a) => {
    const alias = truncate(n.kind === 'test' ? `test:${a.fingerprint}` : a.fingerprint, LIMITS.alias);
    if (n.kind === 'test') return [createRequest(n, a, alias, opts), closeRequest(alias, 'pooler-watch wiring test: closed automatically')];
    if (n.status === 'resolved' || a.status === 'resolved') return [closeRequest(alias, `Resolved: ${a.title}: ${a.summary}`)];
    return [createRequest(n, a, alias, opts)];
  });
}

export async function createOpsgenieChannel(name: string, config: OpsgenieConfig, deps: ChannelDeps): Promise<Channel> {
  const apiKey = await deps.resolveSecret(config.apiKey);
  const authorization = new Secret(`GenieKey ${apiKey.reveal()}`);
  const base = (config.baseUrl ?? BASE_URLS[config.region]).replace(/\/+$/, '');
  return {
    type: 'opsgenie',
    name,
    async send(notification: Notification, ctx: SendContext) {
      // One request per alert, in order; a failure throws and the delivery layer retries the whole
      // notification (create is deduplicated by alias, closing a closed alert is harmless).
      for (const req of buildOpsgeniePayload(notification, { priority: config.priority, tags: config.tags })) {
        await deps.http({
          channel: 'opsgenie',
          url: `${base}${req.path}`,
          headers: { authorization, 'content-type': 'application/json' },
          body: req.body,
          timeoutMs: callTimeout(config.timeoutMs, ctx),
          signal: ctx.signal,
          maxResponseBytes: 64 * 1024,
        });
      }
    },
  };
}
