import type { MiddlewareObj } from '@middy/core';
import secretsManager from '@middy/secrets-manager';
import { receiverAuthFromSecret, type PwContext } from './lambda.ts';
import { SECRET_TTL_MS } from './secret-providers.ts';
import { awsClientOptions } from './shared-clients.ts';

/*
 * The webhook's credentials middleware, apart from lambda.ts: every entry imports lambda.ts, and
 * @middy/secrets-manager would put the Secrets Manager SDK in each of their cold starts (the probe and dispatch
 * load it only for a secretsManager secret ref).
 */


/**
 * `@middy/secrets-manager` fetching the receiver's secret (cached {@link SECRET_TTL_MS}, prefetched at
 * cold start), then `context.receiverAuth` as {@link ReceiverAuth} (Secrets, so never logged). No secret id: no
 * credentials, so the webhook refuses everything (fail closed).
 */
export function receiverSecret(secretId: string | undefined): Array<MiddlewareObj<unknown, unknown, Error, PwContext>> {
  const toContext: MiddlewareObj<unknown, unknown, Error, PwContext> = {
    before: async (request) => {
      const internal = request.internal as Record<string, unknown>;
      request.context.receiverAuth = receiverAuthFromSecret(secretId === undefined ? undefined : await internal.receiverSecret);
    },
  };
  if (secretId === undefined) return [toContext];
  const fetch = secretsManager({
    fetchData: { receiverSecret: secretId },
    cacheKey: `receiver-secret:${secretId}`,
    cacheExpiry: SECRET_TTL_MS,
    awsClientOptions: awsClientOptions(),
  }) as unknown as MiddlewareObj<unknown, unknown, Error, PwContext>;
  return [fetch, toContext];
}
