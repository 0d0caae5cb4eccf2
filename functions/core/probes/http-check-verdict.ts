import type { HttpCheck, StatusSpec } from '../../config/checks.ts';
import { failedAssertions } from './http-check-body.ts';
import type { CertificateFacts, HttpObservation, HttpReason, HttpVerdict } from './http-check-types.ts';
import { TLS_TEXT, classifyTlsError } from './tls-verify.ts';

const DAY_MS = 86_400_000;

const ERROR_TEXT: Record<string, string> = {
  timeout: 'no complete response within the timeout',
  'connection-refused': 'connection refused',
  dns: 'the host name did not resolve',
  'connection-reset': 'the connection was closed before a complete response',
  'too-many-redirects': 'more redirects than maxRedirects',
  'bad-redirect': 'a redirect without a usable http(s) Location',
  'secret-body-redirect': 'a 307/308 redirect to another origin, not followed: it would re-send the secret body',
  'secret-unavailable': 'a header, body or CA secret could not be resolved',
  'request-error': 'the request failed',
};

/** Whether `status` is one of the expected codes or classes. */
export function statusMatches(status: number, expected: readonly StatusSpec[]): boolean {
  return expected.some((e) => (typeof e === 'number' ? e === status : Math.floor(status / 100) === Number(e[0])));
}

/**
 * The verdict of one execution, pure: failed if no response (or a certificate that does not verify), an
 * unexpected status, or a body assertion that does not hold; degraded if slower than `maxLatency` or a certificate
 * of the chain has fewer than `tls.minDaysLeft` days left; ok otherwise. `now` dates the certificate expiry.
 */
export function evaluateHttpCheck(check: HttpCheck, obs: HttpObservation, now: number): HttpVerdict {
  const failures: HttpReason[] = [];
  const degradations: HttpReason[] = [];
  if (obs.error) {
    if (obs.error.kind === 'tls') {
      const problem = classifyTlsError(obs.error.code);
      failures.push({ code: `tls-${problem}`, text: `TLS: ${TLS_TEXT[problem]}${obs.error.code ? ` (${obs.error.code})` : ''}` });
    } else {
      const ms = obs.error.kind === 'timeout' ? ` ${check.timeout} ms` : '';
      const code = obs.error.code && obs.error.kind === 'request-error' ? ` (${obs.error.code})` : '';
      failures.push({ code: obs.error.kind, text: `${ERROR_TEXT[obs.error.kind] ?? 'the request failed'}${ms}${code}` });
    }
  } else if (obs.status !== undefined) {
    if (!statusMatches(obs.status, check.expectStatus)) {
      failures.push({ code: 'status', text: `HTTP ${obs.status}, expected ${check.expectStatus.join(', ')}` });
    } else if (check.expectBody.length > 0) {
      failures.push(...failedAssertions(check.expectBody, obs.body ?? '', obs.bodyTruncated));
    }
  }
  if (obs.status !== undefined && check.maxLatency !== undefined && obs.latencyMs > check.maxLatency) {
    degradations.push({ code: 'latency', text: `latency ${Math.round(obs.latencyMs)} ms over maxLatency ${check.maxLatency} ms` });
  }
  const certificate = soonestExpiry(obs.tls?.chain ?? [], now);
  const expiring = certificate !== undefined && certificate.daysLeft < check.tls.minDaysLeft;
  const status = failures.length > 0 ? 'failed' : degradations.length > 0 || expiring ? 'degraded' : 'ok';
  return { status, failures, degradations, ...(certificate ? { certificate } : {}) };
}

/**
 * The certificate of the chain that expires first, with its days left (negative once expired). After followed
 * redirects the chain holds every hop's certificates, so the position is counted within that certificate's own hop.
 */
export function soonestExpiry(chain: readonly CertificateFacts[], now: number): HttpVerdict['certificate'] {
  let best: CertificateFacts | undefined;
  for (const c of chain) if (Number.isFinite(c.notAfter) && (best === undefined || c.notAfter < best.notAfter)) best = c;
  if (best === undefined) return undefined;
  const hop = best.hop ?? 0;
  const own = chain.filter((c) => (c.hop ?? 0) === hop);
  const index = own.indexOf(best);
  const inHop = index === 0 ? 'leaf' : index === own.length - 1 && best.selfSigned ? 'root' : `intermediate ${index}`;
  const position = hop === 0 ? inHop : `${inHop} after redirect ${hop}`;
  return { daysLeft: (best.notAfter - now) / DAY_MS, position, notAfter: best.notAfter };
}
