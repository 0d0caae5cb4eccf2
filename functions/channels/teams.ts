import * as z from 'zod';
import { SecretRef } from '../config/secret-ref.ts';
import type { AlertItem, Notification } from '../core/render/types.ts';
import { truncate, truncateList, type Limit } from '../core/render/truncate.ts';
import { ChannelError } from '../platform/errors.ts';
import { classifyStatus } from '../platform/http-status.ts';
import type { Channel, ChannelDeps, SendContext } from './channel.ts';
import { callTimeout } from './channel.ts';

/**
 * Microsoft Teams through a Power Automate **Workflows** webhook ("When a Teams webhook request is received").
 * The old Office 365 / Microsoft 365 connectors (incoming webhooks on outlook.office.com / webhook.office.com)
 * are retired: https://devblogs.microsoft.com/microsoft365dev/retirement-of-office-365-connectors-within-microsoft-teams/
 * The whole URL (its `sig=` query parameter) is the secret.
 */
export const TeamsConfig = z
  .object({
    type: z.literal('teams'),
    webhookUrl: SecretRef,
    timeoutMs: z.number().int().positive().max(120_000).optional(),
  })
  .strict();
export type TeamsConfig = z.infer<typeof TeamsConfig>;

/**
 * "The message size limit is 28 KB" (incoming webhooks; the Workflows "post card" action says "about 28 KB",
 * https://learn.microsoft.com/en-us/connectors/teams/#known-issues-and-limitations-with-actions). Microsoft does
 * not say 1000 or 1024, so we take 28,000 bytes of the whole JSON body.
 */
export const LIMITS = {
  message: { max: 28_000, unit: 'bytes', doc: 'https://learn.microsoft.com/en-us/microsoftteams/platform/webhooks-and-connectors/how-to/add-incoming-webhook' },
} as const satisfies Record<string, Limit>;

/** Our own budgets (Adaptive Cards document no per-field limits): keep one alert readable. */
const BUDGET = { title: 300, summary: 2000, hint: 1000, promql: 2000, factTitle: 100, factValue: 500, facts: 20, actions: 6, url: 2000 };

type Element = Record<string, unknown>;
const text = (t: string, extra: Element = {}): Element => ({ type: 'TextBlock', text: t, wrap: true, ...extra });
const colour = (n: { kind?: string; status: string; severity: string }) =>
  n.status === 'resolved' ? 'good' : ({ critical: 'attention', warning: 'warning', info: 'accent' } as Record<string, string>)[n.severity];

/** How much of one alert to show: each level is smaller than the one before, the last always fits. */
const LEVELS = [{ facts: BUDGET.facts, details: true }, { facts: 5, details: true }, { facts: 0, details: false }, { facts: -1, details: false }];

function alertContainer(a: AlertItem, index: number, multi: boolean, level: (typeof LEVELS)[number]): Element {
  const firing = a.status === 'firing';
  const title = multi ? [text(truncate(a.title, BUDGET.title), { weight: 'Bolder', color: colour(a) })] : [];
  if (level.facts < 0) return { type: 'Container', separator: index > 0, items: [...title, text(truncate(a.summary, 500))] };
  const base = [
    { title: 'Pod', value: a.pod },
    { title: 'Rule', value: a.rule },
    { title: 'Target', value: a.target },
    { title: firing ? 'Since' : 'Resolved', value: (firing ? a.startsAt : a.endsAt) ?? a.startsAt },
  ];
  const evidence = truncateList(a.evidence.map((e) => ({ title: e.name, value: e.value })), level.facts, (hidden) => ({ title: '…', value: `and ${hidden} more` }));
  const facts = [...base, ...evidence].map((f) => ({ title: truncate(f.title, BUDGET.factTitle), value: truncate(f.value, BUDGET.factValue) }));
  const items: Element[] = [...title, text(truncate(a.summary, BUDGET.summary)), { type: 'FactSet', facts }];
  if (level.details && firing && a.hint) items.push(text(`**Next step:** ${truncate(a.hint, BUDGET.hint)}`));
  if (level.details && a.sparkline?.text) {
    items.push(text(a.sparkline.text, { fontType: 'Monospace' }), text(a.sparkline.caption, { isSubtle: true, size: 'Small', spacing: 'None' }));
  }
  // A TextRun, unlike a TextBlock, is not parsed as Markdown: `*`, `_` and `[…](…)` in PromQL stay literal.
  if (level.details && firing && a.promql) {
    items.push({ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text: truncate(a.promql, BUDGET.promql), fontType: 'Monospace' }] });
  }
  return { type: 'Container', separator: index > 0, items };
}

function openUrlActions(alerts: AlertItem[]): Element[] {
  const seen = new Set<string>();
  const actions: Element[] = [];
  for (const a of alerts) {
    for (const l of a.links) {
      if (seen.has(l.url) || !/^https?:\/\//.test(l.url) || l.url.length > BUDGET.url || actions.length >= BUDGET.actions) continue;
      seen.add(l.url);
      actions.push({ type: 'Action.OpenUrl', title: truncate(alerts.length > 1 ? `${l.title}: ${a.pod}` : l.title, 60), url: l.url });
    }
  }
  return actions;
}

const envelope = (body: Element[], actions: Element[]) => ({
  type: 'message',
  attachments: [
    {
      contentType: 'application/vnd.microsoft.card.adaptive',
      contentUrl: null,
      content: { $schema: 'http://adaptivecards.io/schemas/adaptive-card.json', type: 'AdaptiveCard', version: '1.4', msteams: { width: 'Full' }, body, actions },
    },
  ],
});
export type TeamsPayload = ReturnType<typeof envelope>;

const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');

/** Pure: the Workflows webhook body, shrunk (fewer facts, then fewer alerts) until it fits LIMITS.message. */
export function buildTeamsPayload(n: Notification): TeamsPayload {
  const prefix = n.kind === 'test' ? '[TEST] ' : n.status === 'resolved' && !/resolved/i.test(n.title) ? 'Resolved: ' : '';
  const body: Element[] = [text(truncate(prefix + n.title, BUDGET.title), { size: 'Large', weight: 'Bolder', color: colour(n) })];
  if (n.kind === 'test') body.push(text('This is a test notification from pooler-watch: no action needed.', { isSubtle: true }));
  const uniq = (xs: string[]) => [...new Set(xs)].join(', ');
  const footer = text(`pooler-watch · source: ${uniq(n.alerts.map((a) => a.source))} · target: ${uniq(n.alerts.map((a) => a.target))} · ${n.createdAt}`, { isSubtle: true, size: 'Small', separator: true });
  const actions = openUrlActions(n.alerts);
  const more = (hidden: number) => text(`…and ${hidden} more alert${hidden === 1 ? '' : 's'} not shown`, { isSubtle: true });
  const multi = n.alerts.length > 1;
  let shown = 0;
  for (const [i, a] of n.alerts.entries()) {
    const rest = n.alerts.length - i - 1;
    const fit = LEVELS.map((level) => alertContainer(a, i, multi, level)).find((c) => bytes(envelope([...body, c, ...(rest ? [more(rest)] : []), footer], actions)) <= LIMITS.message.max);
    if (!fit) break;
    body.push(fit);
    shown++;
  }
  if (shown < n.alerts.length) body.push(more(n.alerts.length - shown));
  return envelope([...body, footer], actions);
}

export async function createTeamsChannel(name: string, config: TeamsConfig, deps: ChannelDeps): Promise<Channel> {
  const url = await deps.resolveSecret(config.webhookUrl);
  return {
    type: 'teams',
    name,
    async send(n: Notification, ctx: SendContext): Promise<void> {
      const timeoutMs = callTimeout(config.timeoutMs, ctx);
      // Workflows answer 202 Accepted (200 is fine too); the flow then runs asynchronously, so a card the flow
      // cannot post fails in the flow's run history, not here.
      const res = await deps.http({ channel: 'teams', url, body: buildTeamsPayload(n), timeoutMs, signal: ctx.signal, maxResponseBytes: 64 * 1024 }, deps.now);
      // A still-alive legacy connector answered 200 with "…returned HTTP error 413…" in the body.
      const legacy = typeof res.data === 'string' ? /HTTP error (\d{3})/.exec(res.data) : null;
      if (legacy) {
        const status = Number(legacy[1]);
        throw new ChannelError({ channel: 'teams', status, reason: `HTTP ${status}`, retryable: classifyStatus(status) === 'retry' });
      }
    },
  };
}
