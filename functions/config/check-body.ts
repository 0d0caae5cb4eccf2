import * as z from 'zod';
import { SecretRef } from './secret-ref.ts';

/** A probe sends a small health request; anything larger belongs in a load test, and it is sent every round. */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;

const ContentType = z
  .string()
  .min(1)
  .max(256)
  .regex(/^[^\r\n\0]*$/, 'a content type cannot contain CR, LF or NUL');

/**
 * The request body of a check: exactly one of `json` (any JSON value, sent serialized), `text` (sent as is, UTF-8) or
 * `secret` (a secret reference, for a body that itself holds a credential: resolved at start-up, sent as is, never to
 * another origin). `contentType` overrides the kind's default; a `Content-Type` header may set it instead.
 */
export const RequestBody = z
  .object({
    json: z.json().optional(),
    text: z.string().optional(),
    secret: SecretRef.optional(),
    contentType: ContentType.optional(),
  })
  .strict()
  .superRefine((b, ctx) => {
    const kinds = (['json', 'text', 'secret'] as const).filter((k) => b[k] !== undefined);
    if (kinds.length !== 1) {
      ctx.issues.push({ code: 'custom', message: 'a body needs exactly one of json, text or secret', input: kinds });
      return;
    }
    const literal = literalBody(b);
    const bytes = literal === undefined ? 0 : Buffer.byteLength(literal, 'utf8');
    // The size only, never the content: this message reaches the console and CI logs.
    if (bytes > MAX_REQUEST_BODY_BYTES) {
      ctx.issues.push({ code: 'custom', path: [kinds[0]!], message: `${bytes} bytes once serialized: a check body may have at most ${MAX_REQUEST_BODY_BYTES} (64 KiB)`, input: bytes });
    }
  });
export type RequestBody = z.infer<typeof RequestBody>;

/** The text a `json` or `text` body sends; undefined for a `secret` one, known only once resolved. */
export function literalBody(body: RequestBody): string | undefined {
  return body.json !== undefined ? JSON.stringify(body.json) : body.text;
}

/** The Content-Type sent unless a header sets one. A secret's content is opaque to us, hence octet-stream. */
export function bodyContentType(body: RequestBody): string {
  if (body.contentType !== undefined) return body.contentType;
  if (body.json !== undefined) return 'application/json';
  return body.text !== undefined ? 'text/plain; charset=utf-8' : 'application/octet-stream';
}
