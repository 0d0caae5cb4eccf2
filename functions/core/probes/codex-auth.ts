import type { Evidence, Finding, Severity } from '../types.ts';
import { targetFinding, type CheckTarget } from './codex-common.ts';

export const METRICS_AUTH_OFF_RULE = 'metrics-auth-off';

/**
 * What an unauthenticated GET of /metrics got: a status (and whether the body looked like an exposition), or an
 * error class. Never a body, a header value or a URL with its query.
 */
export type AuthProbeResult = { kind: 'status'; status: number; exposition: boolean } | { kind: 'error'; error: string };

/** `open`: anyone can read the metrics. `protected`: refused without a token. `unknown`: this round cannot tell. */
export type AuthVerdict = 'open' | 'protected' | 'unknown';

/**
 * 2xx with an exposition is open. 401/403 is protected, and so is a redirect (a login page, not the metrics).
 * A 2xx that is not an exposition (an SSO page answering 200) exposes nothing we can see. Anything else (5xx,
 * 404, network errors) is left to the scrape's own finding: it cannot tell us about auth.
 */
export function authVerdict(result: AuthProbeResult): AuthVerdict {
  if (result.kind === 'error') return 'unknown';
  const s = result.status;
  if (s >= 200 && s < 300) return result.exposition ? 'open' : 'unknown';
  if (s === 401 || s === 403 || (s >= 300 && s < 400)) return 'protected';
  return 'unknown';
}

export const AUTH_HINTS = {
  switchedOff:
    'pooler-watch has a metrics token for this target, yet /metrics answers without one: metrics auth was probably switched off in /admin/system. Switch it back on there (Prometheus keeps scraping with its Secret reference); if open metrics are intended, set builtinChecks.metricsAuth.targets.<target>: expect-open',
  neverOn:
    'no metrics token is configured and /metrics answers anyone who reaches it: enable metrics auth in /admin/system, give Prometheus the token through a Kubernetes Secret reference (never in Helm values) and set this target\'s token; if open metrics are intended, set builtinChecks.metricsAuth.targets.<target>: expect-open',
} as const;

export interface AuthInput {
  target: CheckTarget;
  /** Scheme, host, port and path only (platform's safeUrl). */
  url: string;
  tokenConfigured: boolean;
  result: AuthProbeResult;
  severity: Severity;
}

/** `metrics-auth-off` when the endpoint serves metrics without a token; the caller skips targets in `expect-open` mode. */
export function metricsAuthOff(input: AuthInput): Finding | undefined {
  if (authVerdict(input.result) !== 'open') return undefined;
  const status = input.result.kind === 'status' ? input.result.status : 0;
  const evidence: Evidence = { status, url: input.url, tokenConfigured: input.tokenConfigured ? 'yes' : 'no' };
  const summary = input.tokenConfigured
    ? `${input.target.name} /metrics answers ${status} without credentials: metrics auth is off`
    : `${input.target.name} /metrics answers ${status} without a token and none is configured: metrics are open to anyone`;
  return targetFinding(input.target, {
    rule: METRICS_AUTH_OFF_RULE,
    severity: input.severity,
    summary,
    evidence,
    hint: input.tokenConfigured ? AUTH_HINTS.switchedOff : AUTH_HINTS.neverOn,
    // No PromQL shows who may read an endpoint: Prometheus scrapes with the token either way.
    promql: '',
  });
}
