import * as z from 'zod';
import { SecretRef } from '../config/secret-ref.ts';
import type { Notification } from '../core/render/types.ts';
import { ChannelError } from '../platform/errors.ts';
import type { HttpRequest, HttpResponse } from '../platform/http.ts';
import { parseRetryAfter } from '../platform/http-status.ts';
import { Secret } from '../platform/secrets.ts';
import type { Channel, ChannelDeps, SendContext, SendReceipt } from './channel.ts';
import { callTimeout } from './channel.ts';
import { buildSlackBlocks, slackFallbackText, type SlackBlock } from './slack-blocks.ts';

/** The documented Slack limits `buildSlackPayload` enforces (defined next to the Block Kit builder). */
export { LIMITS } from './slack-blocks.ts';

/**
 * Slack, in one of two modes: an incoming webhook (`webhookUrl`, the URL itself is the secret), or a bot token
 * with `chat.postMessage` (`botToken` + `channel`), which can thread the resolve under the firing message.
 */
export const SlackConfig = z
  .object({
    type: z.literal('slack'),
    webhookUrl: SecretRef.optional(),
    botToken: SecretRef.optional(),
    /** Channel ID (`C0123ABCD`) or name, for `botToken` mode. */
    channel: z.string().min(1).max(80).optional(),
    /** Web API base URL (Slack GovSlack: `https://slack-gov.com`; tests: a local server). */
    baseUrl: z.url({ protocol: /^https?$/ }).default('https://slack.com'),
    timeoutMs: z.number().int().positive().max(120_000).optional(),
  })
  .strict()
  .refine((c) => (c.webhookUrl === undefined) !== (c.botToken === undefined), { message: 'set exactly one of webhookUrl or botToken' })
  .refine((c) => c.botToken === undefined || c.channel !== undefined, { message: 'botToken needs a channel', path: ['channel'] });
export type SlackConfig = z.infer<typeof SlackConfig>;

/** The exact JSON body for an incoming webhook or `chat.postMessage`. */
export interface SlackPayload {
  channel?: string;
  thread_ts?: string;
  reply_broadcast?: boolean;
  text: string;
  blocks: SlackBlock[];
  unfurl_links: false;
  unfurl_media: false;
}

/** Pure: the message body. `channel`/`threadTs` only apply to `chat.postMessage` (webhooks cannot thread). */
export function buildSlackPayload(n: Notification, target: { channel?: string; threadTs?: string } = {}): SlackPayload {
  return {
    ...(target.channel ? { channel: target.channel } : {}),
    ...(target.threadTs ? { thread_ts: target.threadTs, reply_broadcast: false } : {}),
    text: slackFallbackText(n),
    blocks: buildSlackBlocks(n),
    unfurl_links: false,
    unfurl_media: false,
  };
}

/** Web API error codes worth retrying; every other code (invalid_auth, channel_not_found, invalid_blocks…) fails. */
const RETRYABLE_CODES = new Set(['ratelimited', 'rate_limited', 'internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/**
 * `chat.postMessage` (and some webhooks) answer HTTP 200 with `{ok:false, error}`. Only the short error code
 * goes into the reason, and only if it looks like one.
 */
function apiError(data: { error?: unknown }, res: HttpResponse, now: number): ChannelError {
  const code = typeof data.error === 'string' && /^[a-z][a-z0-9_]{0,63}$/.test(data.error) ? data.error : 'unknown_error';
  const retryable = RETRYABLE_CODES.has(code);
  const retryAfterMs = retryable ? parseRetryAfter(res.headers['retry-after'], now) : undefined;
  return new ChannelError({ channel: 'slack', status: res.status, reason: code, retryable, retryAfterMs });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

export async function createSlackChannel(name: string, config: SlackConfig, deps: ChannelDeps): Promise<Channel> {
  const webhook = config.webhookUrl ? await deps.resolveSecret(config.webhookUrl) : undefined;
  const token = config.botToken ? await deps.resolveSecret(config.botToken) : undefined;
  const auth = token ? new Secret(`Bearer ${token.reveal()}`) : undefined;
  const apiUrl = `${config.baseUrl.replace(/\/+$/, '')}/api/chat.postMessage`;

  const post = (url: string | Secret, body: SlackPayload, ctx: SendContext, headers: HttpRequest['headers'] = {}) =>
    deps.http(
      {
        channel: 'slack',
        url,
        headers,
        body,
        timeoutMs: callTimeout(config.timeoutMs, ctx),
        signal: ctx.signal,
        maxResponseBytes: 64 * 1024,
      },
      deps.now,
    );

  return {
    type: 'slack',
    name,
    async send(n: Notification, ctx: SendContext): Promise<SendReceipt | void> {
      if (webhook) {
        // Incoming webhooks answer plain `ok` and return no message `ts`, so they cannot thread: a resolve
        // is a new message. Errors come as 4xx/5xx with a text code (invalid_payload, no_service, …).
        const res = await post(webhook, buildSlackPayload(n), ctx);
        if (isRecord(res.data) && res.data.ok === false) throw apiError(res.data, res, deps.now());
        return;
      }
      const thread = n.kind === 'resolve' && ctx.previous?.ts ? ctx.previous : undefined;
      const body = buildSlackPayload(n, { channel: thread?.channel ?? config.channel, threadTs: thread?.ts });
      const res = await post(apiUrl, body, ctx, { Authorization: auth!, 'Content-Type': 'application/json; charset=utf-8' });
      if (!isRecord(res.data) || res.data.ok !== true) {
        if (isRecord(res.data) && res.data.ok === false) throw apiError(res.data, res, deps.now());
        // A 2xx that is not Slack's envelope (a proxy?): the message may or may not exist, so do not resend.
        throw new ChannelError({ channel: 'slack', status: res.status, reason: 'unexpected response', retryable: false });
      }
      const { channel, ts } = res.data;
      return typeof channel === 'string' && typeof ts === 'string' ? { channel, ts } : undefined;
    },
  };
}
