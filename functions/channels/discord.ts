import * as z from 'zod';
import { SecretRef } from '../config/secret-ref.ts';
import type { AlertItem, Notification } from '../core/render/types.ts';
import { truncate, truncateList, type Limit } from '../core/render/truncate.ts';
import { ConfigError } from '../platform/errors.ts';
import { Secret } from '../platform/secrets.ts';
import type { Channel, ChannelDeps, SendReceipt } from './channel.ts';
import { callTimeout } from './channel.ts';

/** Discord execute-webhook channel. The webhook token lives in the URL path, so the whole URL is a Secret. */
export const DiscordConfig = z
  .object({
    type: z.literal('discord'),
    webhookUrl: SecretRef,
    /** Overrides the webhook's display name (1–80 characters). */
    username: z.string().min(1).max(80).optional(),
    avatarUrl: z.url({ protocol: /^https$/ }).optional(),
    /** Role pinged by critical firing alerts ("critical pages"); nothing else can ever be mentioned. */
    mentionRoleId: z.string().regex(/^\d{17,20}$/).optional(),
    /** Post into this thread of the webhook's channel (forum or thread channels). */
    threadId: z.string().regex(/^\d{17,20}$/).optional(),
    timeoutMs: z.number().int().positive().optional(),
  })
  .strict();
export type DiscordConfig = z.infer<typeof DiscordConfig>;

const EMBED_DOC = 'https://discord.com/developers/docs/resources/message#embed-object-embed-limits';
const WEBHOOK_DOC = 'https://discord.com/developers/docs/resources/webhook#execute-webhook';
/** Discord counts characters; `truncate` counts code points, and so do the checks here. */
export const LIMITS = {
  content: { max: 2000, unit: 'chars', doc: WEBHOOK_DOC },
  username: { max: 80, unit: 'chars', doc: 'https://discord.com/developers/docs/resources/webhook#webhook-object' },
  embeds: { max: 10, unit: 'chars', doc: WEBHOOK_DOC },
  title: { max: 256, unit: 'chars', doc: EMBED_DOC },
  description: { max: 4096, unit: 'chars', doc: EMBED_DOC },
  fields: { max: 25, unit: 'chars', doc: EMBED_DOC },
  fieldName: { max: 256, unit: 'chars', doc: EMBED_DOC },
  fieldValue: { max: 1024, unit: 'chars', doc: EMBED_DOC },
  footer: { max: 2048, unit: 'chars', doc: EMBED_DOC },
  /** Sum of title, description, field names and values, footer text and author name over ALL embeds of a message. */
  total: { max: 6000, unit: 'chars', doc: EMBED_DOC },
} as const satisfies Record<string, Limit>;

/** Message flag SUPPRESS_NOTIFICATIONS (1 << 12): info is record-only, so it posts silently. */
const SUPPRESS_NOTIFICATIONS = 4096;
const COLORS = { critical: 0xd92d20, warning: 0xf79009, info: 0x98a2b3, resolved: 0x12b76a } as const;

export interface DiscordEmbed {
  title: string;
  /** Omitted when empty: Discord rejects an empty description. */
  description?: string;
  url?: string;
  color: number;
  fields: Array<{ name: string; value: string; inline: boolean }>;
  footer: { text: string };
  timestamp: string;
}
export interface DiscordPayload {
  username?: string;
  avatar_url?: string;
  content: string;
  embeds: DiscordEmbed[];
  allowed_mentions: { parse: []; roles?: string[] };
  flags?: number;
}

const len = (s: string) => Array.from(s).length;
/** Alert text must not format, link or mention: escape Discord markdown. */
const esc = (s: string) => s.replace(/[\\*_~`|[\]<>#]/g, '\\$&');
const fit = (s: string, limit: Limit | number) => truncate(s, limit).replace(/\\…$/, '…');
const isHttp = (u: string) => /^https?:\/\//i.test(u);
const tag = (a: AlertItem) => (a.status === 'resolved' ? 'RESOLVED' : a.severity.toUpperCase());

type Part = { text: string } | { code: string; lang: string };
/** Joins parts (most important first) within `max` chars; the first part that overflows is cut, code blocks stay closed. */
function joinWithin(parts: Part[], max: number): string {
  let out = '';
  for (const p of parts) {
    const room = max - len(out) - (out ? 1 : 0);
    const text = 'text' in p ? p.text : `\`\`\`${p.lang}\n${p.code}\n\`\`\``;
    const cut = 'text' in p ? fit(p.text, room) : `\`\`\`${p.lang}\n${truncate(p.code, room - p.lang.length - 8)}\n\`\`\``;
    const piece = len(text) <= room ? text : room >= 24 ? cut : '';
    if (piece) out += (out ? '\n' : '') + piece;
    if (piece !== text) break;
  }
  return out;
}

function buildEmbed(a: AlertItem, budget: number, test: boolean): DiscordEmbed {
  const title = fit(esc(`${test ? 'TEST · ' : ''}${tag(a)} · ${a.title}`), Math.min(LIMITS.title.max, Math.floor(budget * 0.2)));
  const footer = fit(`pooler-watch · ${a.source} · ${a.fingerprint}`, LIMITS.footer);
  const raw = [
    { name: 'Pod', value: a.pod },
    { name: 'Rule', value: a.rule },
    { name: 'Target', value: a.target },
    ...a.evidence,
  ].map((f) => ({ name: fit(esc(f.name), LIMITS.fieldName) || '-', value: fit(esc(f.value) || '-', LIMITS.fieldValue), inline: true }));
  const more = (n: number) => ({ name: '…', value: `and ${n} more`, inline: true });
  const capped = truncateList(raw, LIMITS.fields.max, more);
  const fieldBudget = Math.floor(budget * 0.35);
  const fields: DiscordEmbed['fields'] = [];
  let used = 0;
  for (const [i, f] of capped.entries()) {
    const cost = len(f.name) + len(f.value);
    if (used + cost + (i < capped.length - 1 ? 16 : 0) > fieldBudget) {
      fields.push(more(raw.length - fields.length));
      break;
    }
    fields.push(f);
    used += cost;
  }
  const fieldChars = fields.reduce((n, f) => n + len(f.name) + len(f.value), 0);
  const links = a.links.filter((l) => isHttp(l.url));
  const parts: Part[] = [
    { text: esc(a.summary) },
    { text: `**Next step:** ${esc(a.hint)}` },
    ...(a.sparkline ? [{ text: `\`${a.sparkline.text.replace(/`/g, 'ˋ')}\` ${esc(a.sparkline.caption)}` }] : []),
    ...(links.length ? [{ text: links.map((l) => `[${esc(l.title)}](${l.url.replace(/\)/g, '%29')})`).join(' · ') }] : []),
    ...(a.promql ? [{ code: a.promql.replace(/```/g, '`\u200b``'), lang: 'promql' }] : []),
  ];
  const room = Math.min(LIMITS.description.max, budget - len(title) - len(footer) - fieldChars);
  const runbook = links.find((l) => /runbook/i.test(l.title)) ?? links[0];
  const description = joinWithin(parts, room);
  return {
    title,
    ...(description ? { description } : {}),
    ...(runbook ? { url: runbook.url } : {}),
    color: a.status === 'resolved' ? COLORS.resolved : COLORS[a.severity],
    fields,
    footer: { text: footer },
    timestamp: a.status === 'resolved' ? (a.endsAt ?? a.startsAt) : a.startsAt,
  };
}

/** Characters Discord counts towards the 6000 total (no author is used). */
export function embedChars(e: DiscordEmbed): number {
  return len(e.title) + len(e.description ?? '') + len(e.footer.text) + e.fields.reduce((n, f) => n + len(f.name) + len(f.value), 0);
}

/** The exact execute-webhook body: one embed per alert, shrunk then dropped until every Discord limit holds. */
export function buildDiscordPayload(n: Notification, opts: Pick<DiscordConfig, 'username' | 'avatarUrl' | 'mentionRoleId'> = {}): DiscordPayload {
  const test = n.kind === 'test';
  let embeds: DiscordEmbed[] = [];
  for (let count = Math.min(n.alerts.length, LIMITS.embeds.max); count >= 1; count--) {
    const budget = Math.floor(LIMITS.total.max / count);
    embeds = n.alerts.slice(0, count).map((a) => buildEmbed(a, budget, test));
    if (embeds.reduce((s, e) => s + embedChars(e), 0) <= LIMITS.total.max) break;
  }
  const hidden = n.alerts.length - embeds.length;
  const page = !test && n.status === 'firing' && n.severity === 'critical' && opts.mentionRoleId;
  const icon = test ? '🧪' : n.status === 'resolved' ? '✅' : { critical: '🔴', warning: '🟠', info: '⚪' }[n.severity];
  const head = test ? `**Test notification** from pooler-watch, no action needed: ${esc(n.title)}` : `**${esc(n.title)}**`;
  const tail = hidden > 0 ? `\n…and ${hidden} more alert${hidden === 1 ? '' : 's'} not shown` : '';
  const prefix = `${page ? `<@&${opts.mentionRoleId}> ` : ''}${icon} `;
  return {
    ...(opts.username ? { username: fit(opts.username, LIMITS.username) } : {}),
    ...(opts.avatarUrl ? { avatar_url: opts.avatarUrl } : {}),
    content: prefix + fit(head, LIMITS.content.max - len(prefix) - len(tail)) + tail,
    embeds,
    allowed_mentions: page ? { parse: [], roles: [opts.mentionRoleId as string] } : { parse: [] },
    ...(n.severity === 'info' && !test ? { flags: SUPPRESS_NOTIFICATIONS } : {}),
  };
}

/** `wait=true` so Discord reports errors (and returns the message) instead of accepting silently. */
function executeUrl(raw: string, threadId: string | undefined, name: string): Secret {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`discord receiver "${name}": webhookUrl is not a valid URL`);
  }
  if (!/^https?:$/.test(url.protocol)) throw new ConfigError(`discord receiver "${name}": webhookUrl must be http(s)`);
  url.searchParams.set('wait', 'true');
  if (threadId) url.searchParams.set('thread_id', threadId);
  return new Secret(url.toString());
}

export async function createDiscordChannel(name: string, config: DiscordConfig, deps: ChannelDeps): Promise<Channel> {
  const url = executeUrl((await deps.resolveSecret(config.webhookUrl)).reveal(), config.threadId, name);
  return {
    type: 'discord',
    name,
    async send(notification, ctx): Promise<SendReceipt | void> {
      // 429: Discord sends both a Retry-After header (whole seconds, rounded up) and a JSON `retry_after`;
      // sendHttp turns the header into ChannelError.retryAfterMs, which is never shorter than the JSON value.
      const res = await deps.http(
        {
          channel: 'discord',
          url,
          headers: { 'Content-Type': 'application/json' },
          body: buildDiscordPayload(notification, config),
          timeoutMs: callTimeout(config.timeoutMs, ctx),
          maxResponseBytes: 64 * 1024,
          signal: ctx.signal,
        },
        deps.now,
      );
      const id = (res.data as { id?: unknown } | undefined)?.id;
      return typeof id === 'string' ? { messageId: id } : undefined;
    },
  };
}
