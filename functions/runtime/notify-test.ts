import type { Config } from '../config/schema.ts';
import { buildNotification } from '../core/render/render.ts';
import type { AlertItem } from '../core/render/types.ts';
import { deliverWithRetry } from '../platform/delivery/index.ts';
import type { Logger } from '../platform/logger.ts';
import { Notifier } from './notifier.ts';

export interface NotifyTestResult {
  ok: boolean;
  receiver: string;
  channel: string;
  attempts: number;
  durationMs: number;
  reason?: string;
}

/** A clearly-labelled test alert, so an operator can check a receiver's wiring end to end. */
export function testAlert(now: number, links: Config['links']): AlertItem {
  const ts = new Date(now).toISOString();
  return {
    fingerprint: `test-${now.toString(36)}`,
    status: 'firing',
    severity: 'warning',
    rule: 'notify-test',
    pod: 'pooler-watch',
    target: 'notify-test',
    source: 'probe',
    title: 'pooler-watch test notification',
    summary: 'This is a test from `pooler-watch notify-test`: if you can read it, this receiver is wired correctly. No action needed.',
    hint: 'Nothing to do. Real alerts carry the runbook triage hint here.',
    promql: 'up{job="codex-pooler-app"}',
    evidence: [{ name: 'sent at', value: ts }],
    sparkline: { text: '▁▂▃▄▅▆▇█', caption: 'a sample sparkline' },
    startsAt: ts,
    links: [
      ...(links.runbook ? [{ title: 'Runbook', url: links.runbook }] : []),
      ...(links.dashboard ? [{ title: 'Dashboard', url: links.dashboard }] : []),
    ],
    labels: { severity: 'warning', rule: 'notify-test', pod: 'pooler-watch', target: 'notify-test', source: 'probe' },
  };
}

/**
 * Sends one test notification straight through a receiver's channel (with the configured retries, without the
 * outbox), so the operator sees the vendor's verdict now rather than in a log later.
 */
export async function notifyTest(config: Config, receiver: string, deps: { logger: Logger; env?: NodeJS.ProcessEnv; out?: { write(s: string): unknown }; now?: () => number }): Promise<NotifyTestResult> {
  const now = deps.now ?? Date.now;
  const notifier = await Notifier.create({ config, logger: deps.logger, env: deps.env, out: deps.out });
  const channel = notifier.channel(receiver);
  if (!channel) {
    const known = config.receivers.map((r) => r.name).join(', ');
    return { ok: false, receiver, channel: '-', attempts: 0, durationMs: 0, reason: `no receiver named "${receiver}" (configured: ${known})` };
  }
  const started = now();
  const notification = buildNotification({ receiver, groupKey: 'notify-test', kind: 'test', alerts: [testAlert(started, config.links)], transitionTimes: {}, now: started });
  const result = await deliverWithRetry((ctx) => channel.send(notification, { signal: ctx.signal, timeoutMs: ctx.timeoutMs }), {
    deadlineMs: started + config.delivery.deadline,
    maxAttempts: config.delivery.maxAttempts,
    perAttemptTimeoutMs: config.delivery.perAttemptTimeout,
    baseDelayMs: config.delivery.baseDelay,
    maxDelayMs: config.delivery.maxDelay,
    channel: channel.type,
    now,
  });
  const base = { receiver, channel: channel.type, attempts: result.attempts, durationMs: now() - started };
  return result.ok ? { ok: true, ...base } : { ok: false, ...base, reason: result.error.message };
}
