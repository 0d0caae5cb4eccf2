import { MAX_REQUEST_BODY_BYTES, bodyContentType, literalBody, type RequestBody } from '../config/check-body.ts';
import type { HttpCheck } from '../config/checks.ts';
import type { SecretRef } from '../config/secret-ref.ts';
import { httpCheckFindings } from '../core/probes/http-check-findings.ts';
import type { HttpObservation } from '../core/probes/http-check-types.ts';
import { evaluateHttpCheck } from '../core/probes/http-check-verdict.ts';
import type { Finding } from '../core/types.ts';
import { ConfigError } from '../platform/errors.ts';
import { performHttpCheck, type HttpCheckRequest, type ResolvedBody, type ResolvedHeader } from '../platform/http-check.ts';
import type { Logger } from '../platform/logger.ts';
import { describeSecretRef, resolveSecret, type Secret, type SecretEnv } from '../platform/secrets.ts';
import type { CheckMetric, CheckResults, CheckRound, CheckRunner } from './check-runner.ts';
import { mapLimit } from '../platform/map-limit.ts';

/** Checks in flight at once: enough for dozens of endpoints per round without a burst of sockets. */
export const DEFAULT_CHECK_CONCURRENCY = 8;

export type SecretResolver = (ref: SecretRef) => Promise<Secret>;

export interface HttpCheckRunnerDeps {
  /** Header values, a secret body and `tls.ca`: locally {@link memoSecretResolver}, on AWS the TTL-cached AWS resolver. */
  resolveSecret: SecretResolver;
  logger?: Logger;
  concurrency?: number;
  /** The network side; a seam for tests of the runner alone. */
  perform?: (req: HttpCheckRequest) => Promise<HttpObservation>;
}

/**
 * The synthetic HTTP checks as a CheckRunner: every check concurrently (bounded), each one verdict turned into
 * findings, its name as evaluated (a passing check resolves its alerts), and CheckSuccess / CheckLatency /
 * CertificateDaysLeft metrics. Never rejects: a check that cannot even resolve its secrets is a failed check.
 */
export function createHttpCheckRunner(checks: readonly HttpCheck[], deps: HttpCheckRunnerDeps): CheckRunner {
  const concurrency = Math.max(1, deps.concurrency ?? DEFAULT_CHECK_CONCURRENCY);
  return async (round: CheckRound): Promise<CheckResults> => {
    const results = await mapLimit(checks, concurrency, (check) => runOne(check, round, deps));
    return {
      findings: results.flatMap((r) => r.findings),
      evaluated: checks.map((c) => c.name),
      metrics: results.flatMap((r) => r.metrics),
    };
  };
}

async function runOne(check: HttpCheck, round: CheckRound, deps: HttpCheckRunnerDeps): Promise<{ findings: Finding[]; metrics: CheckMetric[] }> {
  let obs: HttpObservation;
  const resolved = await resolveRequest(check, deps.resolveSecret).catch((err: unknown) => {
    // The ref names where the secret lives, never its value; ConfigError messages are built from it alone.
    deps.logger?.warn('http check secret unavailable', { check: check.name, error: err instanceof Error ? err.name : 'error', refs: refsOf(check) });
    return undefined;
  });
  if (resolved === undefined) obs = { latencyMs: 0, bodyBytes: 0, bodyTruncated: false, redirects: 0, error: { kind: 'secret-unavailable' } };
  else obs = await (deps.perform ?? performHttpCheck)({ ...resolved, check, ...(round.signal ? { signal: round.signal } : {}) });
  const verdict = evaluateHttpCheck(check, obs, round.ts);
  const findings = httpCheckFindings(check, verdict, obs);
  deps.logger?.info('http check', {
    check: check.name,
    verdict: verdict.status,
    ...(obs.status === undefined ? {} : { status: obs.status }),
    latencyMs: Math.round(obs.latencyMs),
    reasons: [...verdict.failures, ...verdict.degradations].map((r) => r.code),
    ...(verdict.certificate ? { certificateDaysLeft: Math.round(verdict.certificate.daysLeft * 10) / 10 } : {}),
  });
  const metrics: CheckMetric[] = [
    { check: check.name, name: 'CheckSuccess', value: verdict.status === 'failed' ? 0 : 1, unit: 'Count' },
    { check: check.name, name: 'CheckLatency', value: Math.round(obs.latencyMs), unit: 'Milliseconds' },
  ];
  if (verdict.certificate) metrics.push({ check: check.name, name: 'CertificateDaysLeft', value: Math.round(verdict.certificate.daysLeft * 100) / 100, unit: 'None' });
  return { findings, metrics };
}

async function resolveRequest(check: HttpCheck, resolve: SecretResolver): Promise<Pick<HttpCheckRequest, 'headers' | 'body' | 'ca'>> {
  const headers: Record<string, ResolvedHeader> = {};
  for (const [name, value] of Object.entries(check.headers)) {
    headers[name] = typeof value === 'string' ? { value, secret: false } : { value: (await resolve(value)).reveal(), secret: true };
  }
  const body = check.body ? await resolveBody(check.body, resolve) : undefined;
  const ca = check.tls.ca ? (await resolve(check.tls.ca)).reveal() : undefined;
  return { headers, ...(body === undefined ? {} : { body }), ...(ca === undefined ? {} : { ca }) };
}

/** Serialized once per round; a secret body is size-checked here, the config having only its reference. */
async function resolveBody(body: RequestBody, resolve: SecretResolver): Promise<ResolvedBody> {
  const contentType = bodyContentType(body);
  if (body.secret === undefined) return { data: Buffer.from(literalBody(body) ?? '', 'utf8'), contentType, secret: false };
  const data = Buffer.from((await resolve(body.secret)).reveal(), 'utf8');
  if (data.length > MAX_REQUEST_BODY_BYTES) throw new ConfigError(`secret ${describeSecretRef(body.secret)}: over the ${MAX_REQUEST_BODY_BYTES} bytes a check body may have`);
  return { data, contentType, secret: true };
}

function refsOf(check: HttpCheck): string[] {
  const refs = Object.values(check.headers).filter((v): v is SecretRef => typeof v !== 'string');
  if (check.body?.secret) refs.push(check.body.secret);
  if (check.tls.ca) refs.push(check.tls.ca);
  return refs.map(describeSecretRef);
}

/**
 * A resolver that reads each reference once per process (the local runtime's start-up resolution), so a missing
 * secret is reported by {@link preflightHttpChecks} at start and never re-read per round.
 */
export function memoSecretResolver(env: SecretEnv = process.env): SecretResolver {
  const cache = new Map<string, Promise<Secret>>();
  return (ref) => {
    const key = JSON.stringify(ref);
    let hit = cache.get(key);
    if (hit === undefined) {
      hit = resolveSecret(ref, env);
      cache.set(key, hit);
      hit.catch(() => cache.delete(key));
    }
    return hit;
  };
}

/** Resolves every secret reference of the checks once; throws the first ConfigError (it names the ref, not a value). */
export async function preflightHttpChecks(checks: readonly HttpCheck[], resolve: SecretResolver): Promise<void> {
  for (const check of checks) await resolveRequest(check, resolve);
}
