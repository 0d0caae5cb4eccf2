import type { Outcome, WebhookResponse } from './http-types.ts';

const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** A JSON response with the receiver's fixed headers. Bodies are built from our own constants only. */
export function jsonResponse(status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): WebhookResponse {
  return { status, headers: { ...BASE_HEADERS, ...headers }, body: JSON.stringify(body) };
}

/** An outcome that carries an error body `{"error": reason}` and no alerts. */
export function failure(status: number, reason: string, headers: Record<string, string> = {}, extra: Partial<Outcome> = {}): Outcome {
  return { response: jsonResponse(status, { error: reason }, headers), reason, alerts: 0, ...extra };
}
