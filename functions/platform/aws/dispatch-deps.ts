import type { Channel } from '../../channels/channel.ts';
import { createChannel } from '../../channels/registry.ts';
import { parseJsonConfig } from '../../config/validate.ts';
import type { sendHttp } from '../http.ts';
import { memoDeps, resolveAwsSecret, sharedDeps, ttlMemo } from './deps.ts';
import { externalAlertDeps, type ExternalAlertDeps } from './external-alert-deps.ts';

/** What the dispatcher uses: the ledger and queue (as the webhook) plus the receivers' channels. */
export interface DispatchDeps extends ExternalAlertDeps {
  /** Receivers' channels; rebuilt after the secret TTL so rotated secrets are picked up. */
  channels(): Promise<Map<string, Channel>>;
}

/** Dispatch builds the channels, so it validates the whole config, their settings included. */
const dispatchSharedDeps = sharedDeps(parseJsonConfig);

/** The dispatcher's composition root, memoised per cold start. */
export const dispatchDeps: () => Promise<DispatchDeps> = memoDeps(async () => {
  const base = await externalAlertDeps(dispatchSharedDeps);
  const { config, now, secretTtlMs } = base;
  // The HTTP client (axios and Node's http stack) is loaded on the first vendor call, not at module init: a
  // batch for SNS-only receivers never needs it, and a cold start does not compile it before it is used.
  const http: typeof sendHttp = async (req, clock) => (await import('../http.ts')).sendHttp(req, clock);
  const channelDeps = { resolveSecret: resolveAwsSecret, http, now };
  return {
    ...base,
    channels: ttlMemo(
      async () => new Map(await Promise.all(config.receivers.map(async (r) => [r.name, await createChannel(r.name, r.channel, channelDeps)] as const))),
      secretTtlMs,
      now,
    ),
  };
});
