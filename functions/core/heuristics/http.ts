import type { Finding } from '../types.ts';
import type { History } from '../history/index.ts';
import { appMatch, finding, fmtPct, MINUTE, round } from './common.ts';
import { HINTS } from './hints.ts';
import { p95Above } from './p95.ts';
import { sumRateQuery } from './promql.ts';
import type { EvalContext } from './types.ts';

/** `http-5xx-ratio`: share of 5xx responses over the rate window, once there is enough traffic to mean anything. */
export function http5xxRatio(history: History, ctx: EvalContext, pod: string): Finding[] {
  const t = ctx.thresholds;
  const byClass = history.rateBy(pod, ctx.names.httpRequests, appMatch(history, ctx, pod), t.rateWindowMinutes * MINUTE, ctx.now, ['status_class']);
  const total = byClass.reduce((a, g) => a + g.value, 0);
  const errors = byClass.filter((g) => g.labels.status_class === '5xx').reduce((a, g) => a + g.value, 0);
  if (!(total > 0) || total < t.httpMinRequestsPerSec) return [];
  const ratio = errors / total;
  if (ratio < t.http5xxRatio) return [];
  return [
    finding(ctx, pod, {
      rule: 'http-5xx-ratio',
      severity: 'warning',
      summary: `${fmtPct(ratio)} of HTTP responses are 5xx (${errors.toFixed(2)} of ${total.toFixed(2)} req/s over ${t.rateWindowMinutes} min)`,
      evidence: { ratio: round(ratio, 4), errorsPerSec: round(errors, 4), requestsPerSec: round(total, 4) },
      hint: HINTS.http,
      promql: sumRateQuery(ctx, pod, ctx.names.httpRequests, t.rateWindowMinutes, ['method', 'status_class']),
    }),
  ];
}

/** `http-latency-p95`: request duration p95 over the rate window. */
export const httpLatencyP95 = p95Above({
  rule: 'http-latency-p95',
  what: 'HTTP request latency',
  metric: 'httpDuration',
  threshold: 'httpLatencyP95Seconds',
  hint: HINTS.http,
  by: [],
});
