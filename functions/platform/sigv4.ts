import { randomUUID } from 'node:crypto';
import { registerRotating } from './secrets.ts';

/** AWS credentials as the SDK's providers return them. */
export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}

/** Where credentials come from; called per signing (the SDK's chain caches and refreshes). */
export type AwsCredentialsProvider = () => Promise<AwsCredentials>;

let chain: AwsCredentialsProvider | undefined;

/**
 * The AWS SDK's default Node chain (env, SSO/profile, web identity/IRSA, container and instance roles), loaded on
 * first use so targets without SigV4 never load it. The Lambda bundles swap this package for the environment
 * provider (infra/aws/esbuild-plugins.cjs), which is where a Lambda's role credentials are.
 */
export async function defaultAwsCredentials(): Promise<AwsCredentialsProvider> {
  if (!chain) {
    const { defaultProvider } = await import('./sigv4-sdk.ts');
    chain = defaultProvider() as AwsCredentialsProvider;
  }
  return chain;
}

/** RFC 3986 encoding as SigV4 canonicalises it (and @smithy's `escapeUri`): everything but `A-Za-z0-9-._~`. */
export function awsUriEscape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The query string exactly as signed: each name and value RFC 3986-encoded, in the given order. */
export function awsQueryString(pairs: ReadonlyArray<readonly [string, string]>): string {
  return pairs.map(([k, v]) => `${awsUriEscape(k)}=${awsUriEscape(v)}`).join('&');
}

export interface SigV4Request {
  url: URL;
  /** The query as name/value pairs; the request must send them as {@link awsQueryString}. */
  query: ReadonlyArray<readonly [string, string]>;
  region: string;
  service: string;
  credentials: AwsCredentialsProvider;
  /** For tests; default now. */
  signingDate?: Date;
}

/**
 * Headers that sign a body-less GET: `host`, `x-amz-date`, `x-amz-content-sha256`, `x-amz-security-token` (with
 * temporary credentials) and `authorization`. Only `host` and the `x-amz-*` headers are signed, so the HTTP client may
 * add Accept, Accept-Encoding or User-Agent without breaking the signature.
 */
const slots = new WeakMap<AwsCredentialsProvider, string>();
/** One redaction slot per credential source (a target's provider), so two sources never push out each other's keys. */
function slotOf(provider: AwsCredentialsProvider): string {
  let slot = slots.get(provider);
  if (!slot) slots.set(provider, (slot = `sigv4-${randomUUID()}`));
  return slot;
}

export async function sigv4Headers(req: SigV4Request): Promise<Record<string, string>> {
  const creds = await req.credentials();
  // Registered with the sanitizer, so a key that ever reached a message would be redacted there; as rotating values,
  // since IRSA and Pod Identity renew them about hourly.
  registerRotating(slotOf(req.credentials), [creds.secretAccessKey, ...(creds.sessionToken ? [creds.sessionToken] : [])]);
  // Loaded here, not at the top: the query-string helpers above are used by every PromQL target, SigV4 or not.
  const { SignatureV4, Sha256 } = await import('./sigv4-sdk.ts');
  const signer = new SignatureV4({ credentials: creds, region: req.region, service: req.service, sha256: Sha256 });
  const query: Record<string, string | string[]> = {};
  for (const [k, v] of req.query) {
    const prev = query[k];
    query[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
  }
  const signed = await signer.sign(
    {
      method: 'GET',
      protocol: req.url.protocol,
      hostname: req.url.hostname,
      ...(req.url.port ? { port: Number(req.url.port) } : {}),
      path: req.url.pathname,
      query,
      headers: { host: req.url.host },
    },
    req.signingDate ? { signingDate: req.signingDate } : {},
  );
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) out[k.toLowerCase()] = String(v);
  return out;
}
