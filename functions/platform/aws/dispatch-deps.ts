import type { Channel } from '../../channels/channel.ts';
import { createChannel } from '../../channels/registry.ts';
import { parseJsonConfig } from '../../config/validate.ts';
import type { sendHttp } from '../http.ts';
import { memoDeps, resolveAwsSecret, sharedDeps, ttlMemo } from './deps.ts';
import { settleClass } from './errors.ts';
import { externalAlertDeps, type ExternalAlertDeps } from './external-alert-deps.ts';

/** A receiver's channel, or why it could not be built this time: its type and the error's class (never its message). */
export type ReceiverChannel = { ok: true; channel: Channel } | { ok: false; type: string; error: string };

/** What the dispatcher uses: the ledger and queue (as the webhook) plus the receivers' channels. */
export interface DispatchDeps extends ExternalAlertDeps {
  /**
   * The channels of these receivers (a name the config does not have is left out). Each receiver's channel is built
   * on its own and kept for the secret TTL, so rotated secrets are picked up; one whose build failed (a secret that
   * cannot be read) is reported as such, is built again on the next call, and never holds up the others.
   */
  channels(receivers: Iterable<string>): Promise<Map<string, ReceiverChannel>>;
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
  // One memo per receiver: ttlMemo keeps a built channel for the TTL and forgets a failed build at once.
  const builders = new Map(
    config.receivers.map((r) => [r.name, { type: r.channel.type, build: ttlMemo(() => createChannel(r.name, r.channel, channelDeps), secretTtlMs, now) }] as const),
  );
  return {
    ...base,
    channels: async (receivers) => {
      const wanted = [...new Set(receivers)].flatMap((name) => {
        const builder = builders.get(name);
        return builder ? [{ name, ...builder }] : [];
      });
      // Settled one by one (allSettled): a receiver whose secret cannot be read fails alone.
      const built = await Promise.all(
        wanted.map(async ({ name, type, build }): Promise<[string, ReceiverChannel]> => {
          const r = await settleClass(build);
          return [name, r.ok ? { ok: true, channel: r.value } : { ok: false, type, error: r.error }];
        }),
      );
      return new Map(built);
    },
  };
});
