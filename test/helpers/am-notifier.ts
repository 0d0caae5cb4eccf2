import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '../../functions/config/schema.ts';
import { enrichPayload, parseAlertmanagerPayload, webhookGroup, webhookKey } from '../../functions/core/alertmanager/index.ts';
import type { Channel } from '../../functions/channels/channel.ts';
import type { Notification } from '../../functions/core/render/types.ts';
import type { SendContext } from '../../functions/channels/channel.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import { Notifier } from '../../functions/runtime/notifier.ts';

export const logger = createLogger({ stream: { write: () => true }, level: 'error' });
export const T0 = Date.parse('2026-11-26T10:00:00Z');
export const M = 60_000;
export const H = 60 * M;

export interface AmAlert {
  fp: string;
  status: 'firing' | 'resolved';
  startsAt?: string;
  endsAt?: string;
  labels?: Record<string, string>;
}

/** A v4 webhook as Alertmanager 0.25+ sends it; firing alerts carry an endsAt in the future (Prometheus refreshes it). */
export function amPayload(groupKey: string, alerts: AmAlert[], extra: Record<string, unknown> = {}): unknown {
  const status = alerts.some((a) => a.status === 'firing') ? 'firing' : 'resolved';
  return {
    version: '4',
    groupKey,
    truncatedAlerts: 0,
    status,
    receiver: 'pooler-watch',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: alerts.map((a) => ({
      status: a.status,
      labels: { alertname: 'CodexPoolerBinaryMemoryGrowth', namespace: 'codex', pod: `app-${a.fp}`, severity: 'critical', rule: 'binary-growth', ...a.labels },
      annotations: { summary: `alert ${a.fp}` },
      startsAt: a.startsAt ?? '2026-11-26T09:00:00Z',
      endsAt: a.endsAt ?? (a.status === 'firing' ? '2026-11-26T10:04:00Z' : '2026-11-26T10:01:00Z'),
      generatorURL: 'http://prometheus:9090/graph?g0.expr=up&g0.tab=1',
      fingerprint: a.fp.padStart(16, '0'),
    })),
    ...extra,
  };
}

/** A local notifier on a fresh state dir, receiving webhooks exactly as webhook-server.ts hands them on. */
export async function localNotifier(input: Record<string, unknown>, dir = mkdtempSync(join(tmpdir(), 'pw-am-review-'))) {
  let clock = T0;
  const config = Config.parse({ state: { dir }, receiver: { auth: 'none' }, ...input });
  const notifier = await Notifier.create({ config, logger, now: () => clock });
  const sent: Array<{ receiver: string; n: Notification; previous?: SendContext['previous'] }> = [];
  let ts = 0;
  const fake = (receiver: string): Channel => ({
    type: 'fake',
    name: receiver,
    async send(n, ctx) {
      sent.push({ receiver, n, ...(ctx.previous ? { previous: ctx.previous } : {}) });
      return { ts: `1700000000.${String(++ts).padStart(6, '0')}`, channel: 'C0123456789' };
    },
  });
  return {
    dir,
    config,
    notifier,
    sent,
    setNow(t: number) {
      clock = t;
    },
    /** What startWebhookServer's handle does for one body: parse, key, enrich, routeExternal. */
    async post(payload: unknown): Promise<'accepted' | 'duplicate'> {
      const parsed = parseAlertmanagerPayload(payload);
      if (!parsed.ok) throw new Error(`invalid payload: ${parsed.issues.join(',')}`);
      const alerts = enrichPayload(parsed.payload, {
        sanitize: notifier.sanitizer(),
        links: config.links,
        names: config.metricNames,
        selectors: config.selectors,
      });
      return notifier.routeExternal({ key: webhookKey(parsed.payload), group: webhookGroup(parsed.payload), alerts }, clock);
    },
    async deliver(): Promise<void> {
      await notifier.outbox.drain((receiver) => fake(receiver));
    },
  };
}
