import * as z from 'zod';
import { parseJsonPath } from '../core/probes/json-path.ts';
import { RequestBody } from './check-body.ts';
import { MAX_PATTERN_CHARS, regexProblem } from '../core/probes/safe-regex.ts';
import { PositiveDuration } from './duration.ts';
import { ResourceName } from './name.ts';
import { SecretRef } from './secret-ref.ts';

/** An expected status: one code, or a class such as `2xx`. */
export const StatusSpec = z.union([z.number().int().min(100).max(599), z.enum(['1xx', '2xx', '3xx', '4xx', '5xx'])]);
export type StatusSpec = z.infer<typeof StatusSpec>;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// Set by the runner from the request itself; letting config override them would desynchronise the framing
// (Content-Length is computed from `body`).
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'upgrade', 'te', 'trailer', 'keep-alive']);
/** Headers that carry credentials: a value must be a secret reference, so it is never written in the config in clear. */
export const CREDENTIAL_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie']);

const HeaderValue = z.union([
  z
    .string()
    .max(8192)
    .regex(/^[^\r\n\0]*$/, 'a header value cannot contain CR, LF or NUL'),
  SecretRef,
]);

const JsonScalar = z.union([z.string().max(4096), z.number(), z.boolean(), z.null()]);

/** What the response body must satisfy; evaluated on at most `maxBodyBytes` of it. */
export const BodyAssertion = z.discriminatedUnion('type', [
  z.object({ type: z.literal('contains'), value: z.string().min(1).max(4096) }).strict(),
  z
    .object({
      type: z.literal('regex'),
      pattern: z.string().min(1).max(MAX_PATTERN_CHARS),
      flags: z.string().regex(/^(?!.*(.).*\1)[imsu]*$/, 'flags: i, m, s, u, each at most once').default(''),
    })
    .strict()
    .superRefine((a, ctx) => {
      const problem = regexProblem(a.pattern, a.flags);
      if (problem) ctx.issues.push({ code: 'custom', path: ['pattern'], message: problem, input: a.pattern });
    }),
  z
    .object({
      type: z.literal('jsonPath'),
      /** `$.status`, `checks[0].ok`, `$["key.with.dots"]`: keys and indexes only. */
      path: z.string().superRefine((p, ctx) => {
        const parsed = parseJsonPath(p);
        if (!parsed.ok) ctx.issues.push({ code: 'custom', message: parsed.error, input: p });
      }),
      /** The value at `path` must equal this scalar (strictly: `"1"` is not `1`). */
      equals: JsonScalar.optional(),
      /** The path must exist (true) or must not (false). */
      exists: z.boolean().optional(),
    })
    .strict()
    .refine((a) => (a.equals === undefined) !== (a.exists === undefined), 'a jsonPath assertion needs exactly one of equals or exists'),
]);
export type BodyAssertion = z.infer<typeof BodyAssertion>;

/** Certificate checks of an https check (ignored for http). */
export const TlsPolicy = z
  .object({
    /** Fewer days left than this on any certificate of the chain: degraded, `tls-expiry` warning. */
    minDaysLeft: z.number().min(0).max(3650).default(14),
    /** Fewer days left than this (or expired): `tls-expiry` critical. */
    criticalDaysLeft: z.number().min(0).max(3650).default(3),
    /** Accept a self-signed leaf (pinned for the request); expiry and host name are still verified. */
    allowSelfSigned: z.boolean().default(false),
    /** PEM bundle of the CA(s) to trust instead of the system roots (a private CA); usually `{file: …}`. */
    ca: SecretRef.optional(),
  })
  .strict()
  .refine((t) => t.criticalDaysLeft <= t.minDaysLeft, { message: 'criticalDaysLeft cannot exceed minDaysLeft', path: ['criticalDaysLeft'] });
export type TlsPolicy = z.infer<typeof TlsPolicy>;

/** One synthetic HTTP check, run every probe round. */
export const HttpCheck = z
  .object({
    /** Names the check in findings (pod and target), alerts and metric dimensions. */
    name: ResourceName,
    method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
    url: z
      .url({ protocol: /^https?$/ })
      .refine((u) => {
        // An unparseable URL is already reported by z.url; refinements still run after it.
        if (!URL.canParse(u)) return true;
        const parsed = new URL(u);
        return parsed.username === '' && parsed.password === '';
      }, 'no credentials in the URL: put them in a header with a secret reference'),
    /** Request headers; a value may be a secret reference (resolved at start-up, never logged). */
    headers: z
      .record(z.string(), HeaderValue)
      // Checked here rather than in the key schema, whose issues zod reports only as "Invalid key in record".
      .superRefine((headers, ctx) => {
        for (const [name, value] of Object.entries(headers)) {
          const lower = name.toLowerCase();
          const message = !HEADER_NAME.test(name)
            ? 'not a valid header name'
            : RESERVED_HEADERS.has(lower)
              ? 'this header is set by the runner'
              : CREDENTIAL_HEADERS.has(lower) && typeof value === 'string'
                ? 'a credential: give a secret reference ({ env }, { file }, { secretsManager } or { ssm }), not the value'
                : undefined;
          if (message) ctx.issues.push({ code: 'custom', path: [name], message, input: name });
        }
      })
      .default({}),
    /** Sent with POST, PUT, PATCH, DELETE or OPTIONS; dropped when a redirect turns the request into a GET. */
    body: RequestBody.optional(),
    expectStatus: z.array(StatusSpec).min(1).default(['2xx']),
    /** Slower than this (the whole exchange, redirects included): degraded. */
    maxLatency: PositiveDuration.optional(),
    /** No complete response within this: failed. */
    timeout: PositiveDuration.default(10_000),
    /** Body bytes read at most; assertions see this prefix, the rest is not downloaded. */
    maxBodyBytes: z.number().int().positive().max(16 * 1024 * 1024).default(1024 * 1024),
    expectBody: z.array(BodyAssertion).max(32).default([]),
    tls: TlsPolicy.default(TlsPolicy.parse({})),
    /** Off by default: a redirect could carry the credentials elsewhere (secret headers are dropped cross-origin). */
    followRedirects: z.boolean().default(false),
    maxRedirects: z.number().int().min(1).max(20).default(5),
    /** Consecutive failing rounds before the alert fires. */
    failureThreshold: z.number().int().min(1).max(100).default(2),
    /** Consecutive passing rounds before a firing alert resolves. */
    successThreshold: z.number().int().min(1).max(100).default(2),
    /** Reminder interval while failing; default the global `alerting.repeatInterval`. */
    repeatInterval: PositiveDuration.optional(),
    /** Severity of `http-check-failed`; degraded is always a warning. */
    severity: z.enum(['critical', 'warning', 'info']).default('critical'),
  })
  .strict()
  .refine((c) => c.method !== 'HEAD' || c.expectBody.length === 0, { message: 'a HEAD response has no body to assert on', path: ['expectBody'] })
  .superRefine((c, ctx) => {
    if (c.body === undefined) return;
    // Legal for GET, but many proxies and CDNs drop or refuse it, and GET is the default: a forgotten `method`.
    if (c.method === 'GET' || c.method === 'HEAD') {
      ctx.issues.push({ code: 'custom', path: ['body'], message: `a ${c.method} request sends no body (proxies drop or refuse one): set method to POST, PUT or PATCH`, input: c.method });
    }
    if (c.body.contentType !== undefined && Object.keys(c.headers).some((h) => h.toLowerCase() === 'content-type')) {
      ctx.issues.push({ code: 'custom', path: ['body', 'contentType'], message: 'Content-Type is set in headers too: set it in one place', input: c.body.contentType });
    }
  });
export type HttpCheck = z.infer<typeof HttpCheck>;

/** The `checks` list: names are unique, since they key alerts and metrics. */
export const HttpChecks = z.array(HttpCheck).superRefine((checks, ctx) => {
  const seen = new Set<string>();
  checks.forEach((c, i) => {
    if (seen.has(c.name)) ctx.issues.push({ code: 'custom', path: [i, 'name'], message: `duplicate check name ${c.name}`, input: c.name });
    seen.add(c.name);
  });
});
