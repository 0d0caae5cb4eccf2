import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { acceptExternal } from '../../runtime/plan-jobs.ts';
import type { ReceiverAuth } from '../receiver/auth.ts';
import { DEFAULT_MAX_BODY_BYTES, handleWebhook } from '../receiver/handle-webhook.ts';
import type { WebhookDeps, WebhookRequest, WebhookResponse } from '../receiver/http-types.ts';
import type { Logger } from '../logger.ts';
import type { WebhookDeps as AwsWebhookDeps } from './webhook-deps.ts';

/**
 * An HTTP API (payload format 2.0) event as the runtime-neutral request. The path drops a named stage's prefix
 * (`/prod/alertmanager` → `/alertmanager`; the `$default` stage has none); a base64 body becomes its bytes, so
 * the receiver's UTF-8 and size checks see exactly what Alertmanager sent.
 */
export function toWebhookRequest(event: APIGatewayProxyEventV2): WebhookRequest {
  const stage = event.requestContext?.stage;
  let path = event.rawPath ?? event.requestContext?.http?.path ?? '/';
  if (stage && stage !== '$default' && (path === `/${stage}` || path.startsWith(`/${stage}/`))) path = path.slice(stage.length + 1) || '/';
  const body = event.body === undefined ? '' : event.isBase64Encoded ? Buffer.from(event.body, 'base64') : event.body;
  return { method: event.requestContext?.http?.method ?? 'GET', path, headers: { ...(event.headers ?? {}) }, body };
}

/** The runtime-neutral response as an HTTP API result. */
export function toApiGatewayResult(response: WebhookResponse): APIGatewayProxyStructuredResultV2 {
  return { statusCode: response.status, headers: { ...response.headers }, body: response.body, isBase64Encoded: false };
}

/**
 * The Alertmanager webhook on Lambda: `handleWebhook` with `handle` = accept the batch into SQS (the durable
 * hand-off: a 200 only once SQS accepted every job) and mark its key in the DynamoDB ledger (`webhook:<key>`),
 * so a webhook retried by Alertmanager is a `duplicate`.
 */
export async function alertmanagerWebhook(event: APIGatewayProxyEventV2, deps: AwsWebhookDeps, inv: { log: Logger; auth: ReceiverAuth }): Promise<APIGatewayProxyStructuredResultV2> {
  const { config } = deps;
  const webhook: WebhookDeps = {
    auth: inv.auth,
    logger: inv.log,
    now: deps.now,
    maxBodyBytes: config.receiver?.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    enrich: { sanitize: deps.sanitizer(), links: config.links, names: config.metricNames, selectors: config.selectors },
    handle: (batch) => acceptExternal(batch, { config, ledger: deps.ledger, sink: deps.queue, logger: inv.log, now: deps.now() }),
  };
  return toApiGatewayResult(await handleWebhook(toWebhookRequest(event), webhook));
}
