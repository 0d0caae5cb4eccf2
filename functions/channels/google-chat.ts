import { createHash } from 'node:crypto';
import * as z from 'zod';
import { SecretRef } from '../config/secret-ref.ts';
import type { AlertItem, Notification } from '../core/render/types.ts';
import { truncate, type Limit } from '../core/render/truncate.ts';
import { ConfigError } from '../platform/errors.ts';
import { Secret } from '../platform/secrets.ts';
import type { Channel, ChannelDeps, SendReceipt } from './channel.ts';
import { callTimeout } from './channel.ts';

/** Google Chat incoming webhook. The space id, `key` and `token` are all in the URL, so the whole URL is a Secret. */
export const GoogleChatConfig = z
  .object({
    type: z.literal('google-chat'),
    webhookUrl: SecretRef,
    /** Thread by group key (a resolve lands under its trigger) via `messageReplyOption=REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD`. */
    threadByAlert: z.boolean().default(false),
    /** Prefix critical firing messages with `<users/all>` ("critical pages"); alert text itself can never mention. */
    mentionAllOnCritical: z.boolean().default(false),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();
export type GoogleChatConfig = z.infer<typeof GoogleChatConfig>;

export const LIMITS = {
  /** The whole message, text and cards included. */
  messageBytes: { max: 32_000, unit: 'bytes', doc: 'https://developers.google.com/workspace/chat/api/reference/rest/v1/spaces.messages/create' },
  /** A section whose widgets push a card past 100 is dropped silently, with every later section. */
  widgetsPerCard: { max: 100, unit: 'chars', doc: 'https://developers.google.com/workspace/chat/api/reference/rest/v1/cards' },
  threadKey: { max: 4000, unit: 'chars', doc: 'https://developers.google.com/workspace/chat/api/reference/rest/v1/spaces.messages#thread' },
} as const satisfies Record<string, Limit>;

/** Our own presentation caps (Google documents no per-field limit): generous, then tighter as the message must shrink. */
const LEVELS = [
  { summary: 2000, hint: 1000, promql: 4000, evidence: 25, value: 500, caption: true },
  { summary: 500, hint: 300, promql: 1000, evidence: 10, value: 200, caption: true },
  { summary: 200, hint: 120, promql: 0, evidence: 4, value: 80, caption: false },
] as const;
type Level = (typeof LEVELS)[number];
const CAPS = { text: 500, headerTitle: 200, sectionHeader: 300, label: 100 };

type Widget = Record<string, unknown>;
interface Section {
  header: string;
  collapsible?: boolean;
  uncollapsibleWidgetsCount?: number;
  widgets: Widget[];
}
export interface GoogleChatPayload {
  text: string;
  cardsV2: Array<{ cardId: string; card: { header: { title: string; subtitle: string }; sections: Section[] } }>;
  thread?: { threadKey: string };
}

/**
 * Card text is a small HTML subset (b, i, u, s, font, a, br): escape so alert text never becomes markup. Quotes
 * only matter inside attributes, which alert text never reaches, so `"` stays readable in PromQL.
 */
export const escapeHtml = (s: string) => s.replace(/[&<>]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c] as string);
const html = (s: string, cap: number) => escapeHtml(truncate(s, cap)).replace(/\r?\n/g, '<br>');
/** Plain-text places (header, `text`): break `<users/all>` / `<url|x>` markup with a zero-width space. */
const plain = (s: string, cap: number) => truncate(s, cap).replace(/</g, '<\u200b');
const bytes = (v: unknown) => Buffer.byteLength(JSON.stringify(v), 'utf8');
const tag = (a: AlertItem) => (a.status === 'resolved' ? 'RESOLVED' : a.severity.toUpperCase());
const ICON = { critical: '🔴', warning: '🟠', info: '⚪' } as const;

function section(a: AlertItem, lv: Level): Section {
  const when = a.status === 'resolved' ? `resolved ${a.endsAt ?? ''}` : `since ${a.startsAt}`;
  const widgets: Widget[] = [
    { textParagraph: { text: `<b>${html(a.summary, lv.summary)}</b>` } },
    { textParagraph: { text: `<b>Next step:</b> ${html(a.hint, lv.hint)}` } },
    { decoratedText: { topLabel: 'Pod', text: html(a.pod, CAPS.label), bottomLabel: html(`rule ${a.rule} · target ${a.target} · ${when}`, CAPS.label * 2), wrapText: true } },
    ...a.evidence.slice(0, lv.evidence).map((e) => ({ decoratedText: { topLabel: html(e.name, CAPS.label), text: html(e.value, lv.value), wrapText: true } })),
  ];
  if (a.sparkline) widgets.push({ textParagraph: { text: html(a.sparkline.text, 120) + (lv.caption ? `<br><i>${html(a.sparkline.caption, 200)}</i>` : '') } });
  // Card HTML has no monospace tag: PromQL goes as an escaped paragraph of its own so it copies cleanly.
  if (a.promql && lv.promql > 0) widgets.push({ textParagraph: { text: `<b>PromQL</b><br>${html(a.promql, lv.promql)}` } });
  const buttons = a.links.filter((l) => /^https?:\/\//i.test(l.url)).map((l) => ({ text: truncate(l.title, 40), onClick: { openLink: { url: l.url } } }));
  if (buttons.length) widgets.push({ buttonList: { buttons } });
  const fold = widgets.length > 4 ? { collapsible: true, uncollapsibleWidgetsCount: 3 } : {};
  return { header: html(`[${tag(a)}] ${a.title}`, CAPS.sectionHeader), ...fold, widgets };
}

/** A stable thread key per alert group; hashed when the group key is longer than Google allows. */
export function threadKeyFor(groupKey: string): string {
  return groupKey.length <= LIMITS.threadKey.max ? groupKey : createHash('sha256').update(groupKey).digest('hex');
}

/** The exact webhook body; shrinks text, then drops alert sections (with an "…and N more" note) until it fits. */
export function buildGoogleChatPayload(n: Notification, opts: { threadByAlert?: boolean; mentionAllOnCritical?: boolean } = {}): GoogleChatPayload {
  const test = n.kind === 'test';
  const icon = test ? '🧪' : n.status === 'resolved' ? '✅' : ICON[n.severity];
  const page = !test && opts.mentionAllOnCritical && n.status === 'firing' && n.severity === 'critical';
  const envelope = (sections: Section[]): GoogleChatPayload => ({
    text: (page ? '<users/all> ' : '') + plain(`${icon} ${test ? 'TEST (wiring check, no action needed): ' : ''}${n.title}`, CAPS.text),
    cardsV2: [
      {
        cardId: `pooler-watch-${n.id}`,
        card: {
          header: { title: plain(`${icon} ${test ? '[TEST] ' : ''}${n.title}`, CAPS.headerTitle), subtitle: plain(`${test ? 'Wiring test · ' : ''}${n.alerts.length} alert${n.alerts.length === 1 ? '' : 's'} · ${n.receiver} · ${n.createdAt}`, CAPS.headerTitle) },
          sections,
        },
      },
    ],
    ...(opts.threadByAlert ? { thread: { threadKey: threadKeyFor(n.groupKey) } } : {}),
  });
  const moreNote = (hidden: number): Section => ({ header: '…', widgets: [{ textParagraph: { text: `…and ${hidden} more alert${hidden === 1 ? '' : 's'} not shown` } }] });
  const fits = (p: GoogleChatPayload) =>
    bytes(p) <= LIMITS.messageBytes.max && p.cardsV2[0]!.card.sections.reduce((w, s) => w + s.widgets.length, 0) <= LIMITS.widgetsPerCard.max;
  let best = envelope([]);
  for (const [i, lv] of LEVELS.entries()) {
    const all = n.alerts.map((a) => section(a, lv));
    // Largest prefix of sections that fits, counted incrementally (one stringify per section), then verified whole.
    const base = bytes(envelope([moreNote(n.alerts.length)]));
    let size = base;
    let widgets = 1;
    let count = 0;
    while (count < all.length && size + bytes(all[count]) + 1 <= LIMITS.messageBytes.max && widgets + all[count]!.widgets.length <= LIMITS.widgetsPerCard.max) {
      size += bytes(all[count]) + 1;
      widgets += all[count]!.widgets.length;
      count++;
    }
    for (; count >= 0; count--) {
      const hidden = all.length - count;
      const candidate = envelope([...all.slice(0, count), ...(hidden > 0 ? [moreNote(hidden)] : [])]);
      if (fits(candidate)) {
        best = candidate;
        break;
      }
    }
    if (count === all.length || i === LEVELS.length - 1) break;
  }
  return best;
}

function webhookUrl(raw: string, threadByAlert: boolean, name: string): Secret {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`google-chat receiver "${name}": webhookUrl is not a valid URL`);
  }
  if (!/^https?:$/.test(url.protocol)) throw new ConfigError(`google-chat receiver "${name}": webhookUrl must be http(s)`);
  if (threadByAlert) url.searchParams.set('messageReplyOption', 'REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD');
  return new Secret(url.toString());
}

export async function createGoogleChatChannel(name: string, config: GoogleChatConfig, deps: ChannelDeps): Promise<Channel> {
  const url = webhookUrl((await deps.resolveSecret(config.webhookUrl)).reveal(), config.threadByAlert ?? false, name);
  return {
    type: 'google-chat',
    name,
    async send(notification, ctx): Promise<SendReceipt | void> {
      // Google answers errors with real statuses (400 INVALID_ARGUMENT, 429 RESOURCE_EXHAUSTED): no error-in-200 case.
      const res = await deps.http(
        {
          channel: 'google-chat',
          url,
          headers: { 'Content-Type': 'application/json; charset=UTF-8' },
          body: buildGoogleChatPayload(notification, config),
          timeoutMs: callTimeout(config.timeoutMs, ctx),
          maxResponseBytes: 64 * 1024,
          signal: ctx.signal,
        },
        deps.now,
      );
      const data = res.data as { name?: unknown; thread?: { name?: unknown } } | undefined;
      const receipt: SendReceipt = {};
      if (typeof data?.name === 'string') receipt.messageName = data.name;
      if (typeof data?.thread?.name === 'string') receipt.threadName = data.thread.name;
      return Object.keys(receipt).length ? receipt : undefined;
    },
  };
}
