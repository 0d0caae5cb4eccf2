import type { Config } from '../config/schema.ts';
import { startReceiver, type ReceiverAuth } from '../platform/receiver/index.ts';
import type { Logger } from '../platform/logger.ts';
import { resolveSecret } from '../platform/secrets.ts';
import type { Notifier } from './notifier.ts';

/** Resolves the receiver's credentials from their references. */
export async function receiverAuth(config: NonNullable<Config['receiver']>, env: NodeJS.ProcessEnv): Promise<ReceiverAuth> {
  const auth = config.auth;
  if (auth === 'none') return 'none';
  if ('bearer' in auth) return { bearer: await resolveSecret(auth.bearer, env) };
  return { basic: { username: await resolveSecret(auth.basic.username, env), password: await resolveSecret(auth.basic.password, env) } };
}

/**
 * Serves the Alertmanager webhook beside the probe loop. Accepted batches are enqueued durably by the notifier
 * before the 200; delivery then runs in the background (`onAccepted`), so Alertmanager never waits on a vendor.
 */
export async function startWebhookServer(deps: {
  config: Config;
  notifier: Notifier;
  logger: Logger;
  env: NodeJS.ProcessEnv;
  now?: () => number;
  onAccepted: () => void;
}) {
  const cfg = deps.config.receiver;
  if (!cfg) return undefined;
  const now = deps.now ?? Date.now;
  const auth = await receiverAuth(cfg, deps.env);
  return startReceiver({
    host: cfg.host,
    port: cfg.port,
    maxBodyBytes: cfg.maxBodyBytes,
    auth,
    logger: deps.logger,
    now,
    enrich: {
      sanitize: deps.notifier.sanitizer(),
      links: deps.config.links,
      names: deps.config.metricNames,
      selectors: deps.config.selectors,
    },
    handle: async (batch) => {
      const verdict = await deps.notifier.routeExternal(batch, now());
      if (verdict === 'accepted') deps.onAccepted();
      return verdict;
    },
  });
}
