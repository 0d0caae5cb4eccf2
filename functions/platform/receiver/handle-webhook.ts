import { isUtf8 } from 'node:buffer';
import { enrichPayload, parseAlertmanagerPayload, webhookGroup, webhookKey } from '../../core/alertmanager/index.ts';
import { authConfigured, challenge, isAuthorized } from './auth.ts';
import type { Outcome, RequestHeaders, WebhookDeps, WebhookRequest, WebhookResponse } from './http-types.ts';
import { exceedsJsonDepth } from '../../core/json-depth.ts';
import { failure, jsonResponse } from './responses.ts';

/** Where Alertmanager posts (`webhook_configs[].url: http://<host>:<port>/alertmanager`). */
export const WEBHOOK_PATH = '/alertmanager';
/** Liveness, no auth. */
export const HEALTH_PATH = '/healthz';
/** Default body cap: 1 MiB (a 1,000-alert group with modest labels fits). */
export const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;

/** The request line and headers: all that {@link preflight} reads, before any body byte. */
export type RequestHead = Omit<WebhookRequest, 'body'>;

/** Header value by lower-case name; the first of repeated values. */
export function header(headers: RequestHeaders, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== name) continue;
    return typeof value === 'string' ? value : value?.[0];
  }
  return undefined;
}

function isJsonType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const type = contentType.split(';')[0]!.trim().toLowerCase();
  return type === 'application/json' || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}

/**
 * Everything decided from the request line and headers, before reading the body: routing, method, auth,
 * media type and a declared `Content-Length` over the cap. `undefined`: read the body and call {@link processBody}.
 */
export function preflight(head: RequestHead, deps: WebhookDeps): Outcome | undefined {
  const path = head.path.split('?')[0];
  const method = head.method.toUpperCase();
  if (path === HEALTH_PATH) {
    if (method === 'GET' || method === 'HEAD') return { response: jsonResponse(200, { status: 'ok' }), reason: 'health', alerts: 0 };
    return failure(405, 'method not allowed', { allow: 'GET, HEAD' });
  }
  if (path !== WEBHOOK_PATH) return failure(404, 'not found');
  if (method !== 'POST') return failure(405, 'method not allowed', { allow: 'POST' });
  if (!authConfigured(deps.auth) || !isAuthorized(header(head.headers, 'authorization'), deps.auth)) {
    return failure(401, 'unauthorized', { 'www-authenticate': challenge(deps.auth) });
  }
  if (!isJsonType(header(head.headers, 'content-type'))) return failure(415, 'unsupported media type');
  const encoding = header(head.headers, 'content-encoding');
  if (encoding !== undefined && encoding.trim().toLowerCase() !== 'identity') return failure(415, 'unsupported media type');
  const declared = header(head.headers, 'content-length');
  const cap = deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (declared !== undefined && /^\s*\d+\s*$/.test(declared) && Number(declared) > cap) return failure(413, 'payload too large');
  return undefined;
}

/** Validate, enrich and hand on a body that passed {@link preflight}. Never throws. */
export async function processBody(body: string | Buffer, deps: WebhookDeps): Promise<Outcome> {
  const bytes = typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.length;
  if (bytes > (deps.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES)) return failure(413, 'payload too large', {}, { bytes });
  // isUtf8 is a vectorised scan; a fatal TextDecoder did the same check at several times the cost per request.
  if (typeof body !== 'string' && !isUtf8(body)) return failure(400, 'invalid JSON', {}, { bytes });
  const text = typeof body === 'string' ? body : body.toString('utf8');
  if (exceedsJsonDepth(text)) return failure(400, 'JSON nested too deeply', {}, { bytes });
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return failure(400, 'invalid JSON', {}, { bytes });
  }
  const parsed = parseAlertmanagerPayload(value);
  if (!parsed.ok) {
    const response = jsonResponse(400, { error: 'invalid payload', issues: parsed.issues });
    return { response, reason: 'invalid payload', alerts: 0, issues: parsed.issues, bytes };
  }
  const payload = parsed.payload;
  const key = webhookKey(payload);
  const alerts = enrichPayload(payload, deps.enrich);
  try {
    const result = await deps.handle({ key, group: webhookGroup(payload), payload, alerts });
    const status = result === 'duplicate' ? 'duplicate' : 'accepted';
    return { response: jsonResponse(200, { status }), reason: status, alerts: alerts.length, key, bytes };
  } catch (err) {
    const error = err instanceof Error ? err.name.slice(0, 64) : typeof err;
    return failure(503, 'not accepted, retry', {}, { alerts: alerts.length, key, bytes, error });
  }
}

/** Write the request's one log line: outcome numbers and reasons, never a body, header or value. */
export function logOutcome(deps: WebhookDeps, outcome: Outcome, startedAt: number): void {
  const status = outcome.response.status;
  const fields = {
    status,
    alerts: outcome.alerts,
    key: outcome.key,
    durationMs: Math.max(0, (deps.now ?? Date.now)() - startedAt),
    reason: outcome.reason,
    ...(outcome.bytes === undefined ? {} : { bytes: outcome.bytes }),
    ...(outcome.issues ? { issues: outcome.issues } : {}),
    ...(outcome.error ? { error: outcome.error } : {}),
  };
  if (outcome.reason === 'health') deps.logger.debug('alertmanager webhook', fields);
  else if (status >= 500) deps.logger.error('alertmanager webhook', fields);
  else if (status >= 400) deps.logger.warn('alertmanager webhook', fields);
  else deps.logger.info('alertmanager webhook', fields);
}

/** Runs {@link preflight} then {@link processBody}; anything unexpected is a bare 500. Never throws. */
async function evaluate(req: WebhookRequest, deps: WebhookDeps): Promise<Outcome> {
  try {
    return preflight(req, deps) ?? (await processBody(req.body, deps));
  } catch (err) {
    return failure(500, 'internal error', {}, { error: err instanceof Error ? err.name.slice(0, 64) : typeof err });
  }
}

/**
 * The whole webhook endpoint as a function of one buffered request: what an AWS HTTP API Lambda calls, and what
 * the node:http server shares (it streams the body under the cap first). One log line per request. Never throws.
 */
export async function handleWebhook(req: WebhookRequest, deps: WebhookDeps): Promise<WebhookResponse> {
  const startedAt = (deps.now ?? Date.now)();
  const outcome = await evaluate(req, deps);
  logOutcome(deps, outcome, startedAt);
  return outcome.response;
}

/** Alias of {@link handleWebhook} under the name a Lambda entry reads best with. */
export const handleRequest = handleWebhook;
