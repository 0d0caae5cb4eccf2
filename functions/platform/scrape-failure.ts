import type { Target } from '../config/schema.ts';
import type { Evidence, Finding, Severity } from '../core/types.ts';
import { redactText } from './redact.ts';
import { safeUrl } from './safe-url.ts';

export type ScrapeFailureReason =
  | 'down'
  | 'timeout'
  | 'unauthorized'
  | 'http-error'
  | 'not-exposition'
  | 'too-large'
  | 'redirect'
  | 'parse-error'
  /** A Prometheus API answered `status: error` (bad_data, execution, timeout, …) to an instant query. */
  | 'query-error';

export const SCRAPE_FAILED_RULE = 'scrape-failed';

const SEVERITY: Record<ScrapeFailureReason, Severity> = {
  down: 'critical',
  timeout: 'critical',
  unauthorized: 'critical',
  'http-error': 'warning',
  'not-exposition': 'warning',
  'too-large': 'warning',
  redirect: 'warning',
  'parse-error': 'warning',
  'query-error': 'warning',
};

const HINT: Record<ScrapeFailureReason, string> = {
  down: 'check that the pod is running and its Service/port is reachable from pooler-watch (kubectl -n codex-pooler get pods); a pod that just died may have been OOM-killed: check its last terminated reason',
  timeout:
    'the endpoint is slow or hung: check the pod CPU and BEAM run queues, and the network path; raise the target timeout only if scrapes are legitimately slow',
  unauthorized: 'check the metrics bearer token configured in /admin/system and the Secret reference',
  'http-error': 'check the app logs around the scrape time for the error on the metrics endpoint',
  'not-exposition':
    'the URL does not serve Prometheus metrics: check the path (/metrics or /federate) and any proxy or login page in front of it',
  'too-large':
    'the exposition exceeded maxBytes: look for a label cardinality explosion, narrow the federate match[] selectors, or raise maxBytes',
  redirect:
    'the endpoint redirects: point the target at the final URL (redirects are not followed by default so the token cannot leak to another host)',
  'parse-error': 'the body is not valid Prometheus/OpenMetrics exposition: check what is serving the URL and its version',
  'query-error':
    'Prometheus rejected or could not run a query: run it in the Prometheus UI to see why (bad_data: a query or metric name override is invalid; timeout/execution: the server is overloaded or the query too broad)',
};

/** What went wrong, already classified; `detail` must be secret-free (it is redacted again anyway). */
export interface ScrapeFailureInput {
  target: Target;
  reason: ScrapeFailureReason;
  detail: string;
  status?: number;
  durationMs: number;
  bytes: number;
  job: string;
  extra?: Evidence;
  /** Replaces the reason's default hint (a Prometheus API is not an app's /metrics). */
  hint?: string;
}

/** The finding a failed scrape becomes: a scrape never throws, it reports. */
export function scrapeFailedFinding(input: ScrapeFailureInput): Finding {
  const { target, reason } = input;
  const evidence: Evidence = {
    reason,
    ...(input.status === undefined ? {} : { status: input.status }),
    durationMs: input.durationMs,
    bytes: input.bytes,
    url: safeUrl(target.url),
  };
  for (const [k, v] of Object.entries(input.extra ?? {})) {
    evidence[k] = typeof v === 'string' ? redactText(v) : v;
  }
  return {
    rule: SCRAPE_FAILED_RULE,
    severity: SEVERITY[reason],
    pod: target.name,
    target: target.name,
    summary: redactText(`scrape of ${target.name} failed: ${input.detail}`),
    evidence,
    hint: input.hint ?? HINT[reason],
    promql: `up{job="${input.job.replace(/["\\]/g, '\\$&')}"}`,
  };
}
