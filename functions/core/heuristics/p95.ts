import type { MetricNames } from '../../config/metric-names.ts';
import { appMatch, finding, fmtSec, MINUTE, round } from './common.ts';
import { quantileQuery } from './promql.ts';
import type { Thresholds } from './thresholds.ts';
import type { Rule } from './types.ts';

/** What a "p95 of one histogram over the rate window, above a threshold" rule is made of. */
export interface P95Rule {
  rule: string;
  /** Words for the summary, e.g. `DB queue time`. */
  what: string;
  metric: keyof MetricNames;
  threshold: keyof Thresholds;
  hint: string;
  /** Labels the PromQL keeps beside `le`. */
  by: string[];
}

/** A warning when a pod's p95 of `metric` over the rate window reaches `threshold` (seconds). */
export function p95Above(spec: P95Rule): Rule {
  return (history, ctx, pod) => {
    const t = ctx.thresholds;
    const name = ctx.names[spec.metric];
    const p95 = history.histogramQuantile(0.95, pod, name, t.rateWindowMinutes * MINUTE, ctx.now, undefined, appMatch(history, ctx, pod));
    if (!Number.isFinite(p95) || p95 < t[spec.threshold]) return [];
    return [
      finding(ctx, pod, {
        rule: spec.rule,
        severity: 'warning',
        summary: `${spec.what} p95 ${fmtSec(p95)} over ${t.rateWindowMinutes} min`,
        evidence: { p95Seconds: round(p95) },
        hint: spec.hint,
        promql: quantileQuery(ctx, pod, name, t.rateWindowMinutes, spec.by),
      }),
    ];
  };
}
