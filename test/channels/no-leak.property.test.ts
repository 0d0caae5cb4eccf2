import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertState } from '../../functions/core/alerts/types.ts';
import { buildNotification, renderProbeAlert } from '../../functions/core/render/render.ts';
import { createSanitizer } from '../../functions/core/sanitize/index.ts';
import { buildDiscordPayload } from '../../functions/channels/discord.ts';
import { buildGoogleChatPayload } from '../../functions/channels/google-chat.ts';
import { buildOpsgeniePayload } from '../../functions/channels/opsgenie.ts';
import { buildPagerDutyPayload } from '../../functions/channels/pagerduty.ts';
import { buildSlackPayload } from '../../functions/channels/slack.ts';
import { buildSnsPayload } from '../../functions/channels/sns.ts';
import { buildTeamsPayload } from '../../functions/channels/teams.ts';
import { buildWebhookPayload } from '../../functions/channels/webhook.ts';
import { buildConsoleText } from '../../functions/channels/console.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import { Secret } from '../../functions/platform/secrets.ts';
import type { Notification } from '../../functions/core/render/types.ts';

/** Every channel's outgoing body for a notification, as the vendor would receive it. */
const PAYLOADS: Record<string, (n: Notification) => unknown> = {
  pagerduty: (n) => buildPagerDutyPayload(n),
  opsgenie: (n) => buildOpsgeniePayload(n),
  slack: (n) => buildSlackPayload(n),
  teams: (n) => buildTeamsPayload(n),
  discord: (n) => buildDiscordPayload(n),
  'google-chat': (n) => buildGoogleChatPayload(n),
  webhook: (n) => buildWebhookPayload(n),
  sns: (n) => buildSnsPayload(n, 'arn:aws:sns:eu-west-1:123456789012:pooler-watch'),
  console: (n) => buildConsoleText(n),
};

const secretArb = fc.string({ unit: fc.constantFrom(...'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789-_.~+/='.split('')), minLength: 10, maxLength: 60 });

function forms(secret: string): string[] {
  return [secret, encodeURIComponent(secret), Buffer.from(secret).toString('base64'), Buffer.from(secret).toString('base64url')];
}

/** An alert whose every free-text field was tainted with the secret, the ways real data carries one. */
function taintedState(secret: string, where: number): AlertState {
  const taints = [
    `token=${secret}`,
    `https://user:${secret}@prometheus.example/federate?match[]=up&access_token=${encodeURIComponent(secret)}`,
    `Authorization: Bearer ${secret}`,
    `upstream said ${Buffer.from(secret).toString('base64')}`,
    `label value ${secret}`,
  ];
  const t = (i: number) => taints[(where + i) % taints.length]!;
  return {
    fingerprint: '3f9a1c2b7d4e5f60',
    rule: 'time-to-oom',
    pod: `codex-pooler-app-0`,
    target: 'prometheus',
    status: 'firing',
    severity: 'critical',
    summary: t(0),
    finding: {
      rule: 'time-to-oom',
      severity: 'critical',
      pod: 'codex-pooler-app-0',
      target: 'prometheus',
      summary: `RSS growing: ${t(0)}`,
      hint: `check ${t(1)}`,
      promql: `up{instance="${t(2)}"}`,
      evidence: { note: t(3), limitBytes: 1073741824, other: t(4) },
      series: [[0, 1], [60_000, 2]],
    },
    activeCount: 3,
    inactiveCount: 0,
    firedAt: 0,
    changedAt: 0,
    lastEvaluatedAt: 0,
  };
}

describe('no secret reaches any channel payload or log line (property)', () => {
  it('raw, URL-encoded and base64 forms never appear in any channel payload', () => {
    fc.assert(
      fc.property(secretArb, fc.nat(10), (secret, where) => {
        const sanitize = createSanitizer({ secrets: [secret] });
        const item = renderProbeAlert(taintedState(secret, where), 'firing', 0, {
          links: { runbook: `https://docs.example.com/runbook?token=${secret}` },
          sanitize,
        });
        const n = buildNotification({ receiver: 'r', groupKey: 'g', kind: 'trigger', alerts: [item], transitionTimes: {}, now: 0 });
        for (const [channel, build] of Object.entries(PAYLOADS)) {
          const body = JSON.stringify(build(n));
          for (const form of forms(secret)) {
            if (body.includes(form)) throw new Error(`${channel} payload carries a form of the secret`);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a resolved secret never reaches a log line, in a message or a field', () => {
    fc.assert(
      fc.property(secretArb, (value) => {
        const secret = new Secret(value);
        const lines: string[] = [];
        const log = createLogger({ stream: { write: (l: string) => lines.push(l) } });
        log.error(`scrape failed for https://x:${value}@host/metrics`, { error: `Bearer ${value}`, detail: { nested: value }, secret });
        const text = lines.join('\n');
        for (const form of forms(value)) expect(text).not.toContain(form);
      }),
      { numRuns: 150 },
    );
  });
});
