import type { SecretRef } from '../config/secret-ref.ts';
import type { Notification } from '../core/render/types.ts';
import type { sendHttp } from '../platform/http.ts';
import type { Secret } from '../platform/secrets.ts';

/** What a channel may need beyond the notification. */
export interface SendContext {
  signal: AbortSignal;
  /** Receipt of the firing message of the same group, for channels that thread replies (Slack). */
  previous?: SendReceipt;
  /** Per-attempt timeout budget in ms (the delivery deadline minus elapsed). */
  timeoutMs: number;
}

/** What a channel remembers about a sent message (e.g. Slack's `channel` and `ts` to thread the resolve under). */
export interface SendReceipt {
  [key: string]: string;
}

/**
 * The one-method interface every vendor implements (design.md). `send` throws `ChannelError` (classified as
 * retryable or not); it never throws anything carrying a URL, a header or a body.
 */
export interface Channel {
  /** Vendor id, e.g. `pagerduty`. */
  readonly type: string;
  /** The receiver name from config. */
  readonly name: string;
  send(notification: Notification, ctx: SendContext): Promise<SendReceipt | void>;
}

/** What a channel factory gets: how to resolve its secrets, how to send HTTP, and the clock. */
export interface ChannelDeps {
  resolveSecret(ref: SecretRef): Promise<Secret>;
  http: typeof sendHttp;
  now(): number;
  /** Where the local `console` channel writes (stdout by default). */
  out?: { write(text: string): unknown };
}

/** A vendor call's timeout when the channel's config sets none. */
export const DEFAULT_CHANNEL_TIMEOUT_MS = 10_000;

/**
 * The timeout of one vendor call: the channel's own (default {@link DEFAULT_CHANNEL_TIMEOUT_MS}) within what is left
 * of the attempt's budget, and never 0, which axios reads as "wait forever".
 */
export function callTimeout(configured: number | undefined, ctx: Pick<SendContext, 'timeoutMs'>): number {
  return Math.max(1, Math.min(configured ?? DEFAULT_CHANNEL_TIMEOUT_MS, ctx.timeoutMs));
}
