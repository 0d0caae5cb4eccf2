import type { AlertmanagerPayload, EnrichOptions, EnrichedAlert } from '../../core/alertmanager/index.ts';
import type { Logger } from '../logger.ts';
import type { ReceiverAuth } from './auth.ts';

/** Request headers as node:http and API Gateway give them (names in any case; node lower-cases them). */
export type RequestHeaders = Readonly<Record<string, string | readonly string[] | undefined>>;

/** A request, runtime-neutral: node:http and an AWS HTTP API Lambda event both map to it. */
export interface WebhookRequest {
  method: string;
  /** Path, optionally with a query string (ignored). */
  path: string;
  headers: RequestHeaders;
  body: string | Buffer;
}

/** A response, runtime-neutral. `body` is always JSON. */
export interface WebhookResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** What the receiver hands on once a webhook is valid: its idempotency key, the payload and its enriched alerts. */
export interface WebhookBatch {
  key: string;
  /** The Alertmanager group ({@link webhookGroup}): the group key of its notifications. */
  group: string;
  payload: AlertmanagerPayload;
  alerts: EnrichedAlert[];
}

/**
 * Enqueue the batch durably, or throw. Resolves `duplicate` when `key` was already accepted. The receiver
 * answers 200 only after it resolves, and 503 when it throws, so Alertmanager retries.
 */
export type WebhookHandle = (batch: WebhookBatch) => Promise<'accepted' | 'duplicate'>;

/** What {@link handleWebhook} needs; the node:http server and a Lambda entry build it once. */
export interface WebhookDeps {
  auth: ReceiverAuth;
  handle: WebhookHandle;
  enrich: EnrichOptions;
  logger: Logger;
  /** Largest accepted body in bytes; default 1 MiB. */
  maxBodyBytes?: number;
  /** Clock for `durationMs`; default `Date.now`. */
  now?: () => number;
}

/** The result of one request, with what its log line reports (never a body, header or value). */
export interface Outcome {
  response: WebhookResponse;
  /** Short, fixed reason, e.g. `accepted`, `unauthorized`, `invalid JSON`. */
  reason: string;
  alerts: number;
  key?: string;
  /** Failing schema paths (paths only, as `alerts.3.labels`). */
  issues?: string[];
  /** Class of an error thrown by `handle` (its name only). */
  error?: string;
  bytes?: number;
}
