import type { HttpCheck } from '../../config/checks.ts';
import { sanitizeUrl } from '../sanitize/url.ts';
import type { Evidence, Finding, FindingPolicy } from '../types.ts';
import type { HttpObservation, HttpVerdict } from './http-check-types.ts';
import { TLS_HINT, classifyTlsError } from './tls-verify.ts';

export const HTTP_CHECK_FAILED_RULE = 'http-check-failed';
export const HTTP_CHECK_DEGRADED_RULE = 'http-check-degraded';
export const TLS_EXPIRY_RULE = 'tls-expiry';

const HINT: Record<string, string> = {
  status:
    'the endpoint answers with an unexpected status: check its logs and the latest rollout (kubectl -n codex-pooler rollout history); for Codex Pooler, the HTTP status class rate on the runtime triage dashboard shows whether real traffic sees it too',
  body: 'the endpoint answers but its body is not what the check expects: it may serve an error page, a login page, or a health payload reporting a failed dependency; fetch it by hand and read its health output',
  timeout:
    'no complete response in time: check the pods\' CPU and BEAM run queue, gateway admission queue time and DB queue p95 on the runtime triage dashboard, and the network path (Ingress, Service)',
  'connection-refused':
    'nothing accepts connections: check that the pods are running and Ready, the Service endpoints, and recent restarts or OOM kills (kubectl -n codex-pooler get pods; last terminated reason)',
  dns: 'the host name does not resolve: check the DNS record or Service name, and the resolver pooler-watch uses',
  'connection-reset':
    'the connection was cut mid-exchange: check restarts and OOM kills of the pods behind it, and the proxy or load balancer in front (idle timeouts, body size limits)',
  'too-many-redirects': 'the endpoint redirects in a loop or too deep: point the check at the final URL or raise maxRedirects',
  'bad-redirect': 'the endpoint redirects without a usable Location: check the proxy or app redirect rules',
  'secret-body-redirect':
    'the endpoint answers with a 307/308 to another origin, which would repeat the request there body included; a body from a secret reference only goes to the configured origin: point the check at the final URL',
  'secret-unavailable':
    'a secret reference of this check (a header value, the body or tls.ca) could not be read, or a secret body is over 64 KiB: check that it exists and that pooler-watch may read it',
  'request-error': 'the request failed before a response: run the same request by hand (curl -v) from where pooler-watch runs',
};

const LATENCY_HINT =
  'slower than maxLatency: compare p95 endpoint latency, gateway admission queue time and DB queue p95 on the runtime triage dashboard; a slow check before memory alerts often means BEAM run queues are backing up';

const EXPIRY_HINT =
  'renew before it expires: check the cert-manager Certificate (kubectl describe certificate -A) and its issuer, or the process that renews it; renewal normally happens 30 days before expiry, so a certificate this close means renewal is failing';

/** The check's thresholds as the reducer's overrides: failures to fire, passes to resolve, reminder interval. */
export function checkPolicy(check: HttpCheck): FindingPolicy {
  return {
    forEvaluations: check.failureThreshold,
    resolveAfterEvaluations: check.successThreshold,
    ...(check.repeatInterval === undefined ? {} : { repeatInterval: check.repeatInterval }),
  };
}

/**
 * Findings of one verdict: `http-check-failed` (the check's severity), `http-check-degraded` (warning, latency) and
 * `tls-expiry` (warning under minDaysLeft, critical under criticalDaysLeft or expired). Pod and target are the
 * check name. Summaries carry the check name, reasons and numbers: never a body, header value or query string.
 */
export function httpCheckFindings(check: HttpCheck, verdict: HttpVerdict, obs: HttpObservation): Finding[] {
  const base = { pod: check.name, target: check.name, promql: '', policy: checkPolicy(check) };
  const evidence = baseEvidence(check, obs);
  const out: Finding[] = [];
  const first = verdict.failures[0];
  if (first) {
    out.push({
      ...base,
      rule: HTTP_CHECK_FAILED_RULE,
      severity: check.severity,
      summary: `check ${check.name} failed: ${verdict.failures.map((r) => r.text).join('; ')}`,
      evidence: { ...evidence, verdict: 'failed', reason: first.code, failures: verdict.failures.length },
      hint: first.code.startsWith('tls-') ? TLS_HINT[classifyTlsError(obs.error?.code)] : (HINT[first.code] ?? HINT['request-error']!),
    });
  } else if (verdict.degradations.length > 0) {
    out.push({
      ...base,
      rule: HTTP_CHECK_DEGRADED_RULE,
      severity: 'warning',
      summary: `check ${check.name} degraded: ${verdict.degradations.map((r) => r.text).join('; ')}`,
      evidence: { ...evidence, verdict: 'degraded', reason: verdict.degradations[0]!.code, ...(check.maxLatency === undefined ? {} : { maxLatencyMs: check.maxLatency }) },
      hint: LATENCY_HINT,
    });
  }
  const cert = verdict.certificate;
  if (cert && cert.daysLeft < check.tls.minDaysLeft) {
    const critical = cert.daysLeft < check.tls.criticalDaysLeft;
    const days = Math.abs(cert.daysLeft).toFixed(1);
    const when = cert.daysLeft < 0 ? `expired ${days} days ago` : `expires in ${days} days`;
    out.push({
      ...base,
      rule: TLS_EXPIRY_RULE,
      severity: critical ? 'critical' : 'warning',
      summary: `certificate of check ${check.name} (${cert.position}) ${when}, on ${new Date(cert.notAfter).toISOString()}`,
      evidence: {
        url: evidence.url!,
        daysLeft: Math.round(cert.daysLeft * 10) / 10,
        certificate: cert.position,
        notAfter: new Date(cert.notAfter).toISOString(),
        minDaysLeft: check.tls.minDaysLeft,
        criticalDaysLeft: check.tls.criticalDaysLeft,
      },
      hint: EXPIRY_HINT,
    });
  }
  return out;
}

function baseEvidence(check: HttpCheck, obs: HttpObservation): Evidence {
  return {
    // Scheme, host and path: the query may carry a token.
    url: sanitizeUrl(check.url, (s) => s),
    method: check.method,
    ...(obs.status === undefined ? {} : { status: obs.status }),
    latencyMs: Math.round(obs.latencyMs),
    ...(obs.redirects > 0 ? { redirects: obs.redirects } : {}),
    ...(obs.status === undefined ? {} : { bodyBytes: obs.bodyBytes }),
    ...(obs.error?.code ? { code: obs.error.code } : {}),
  };
}
