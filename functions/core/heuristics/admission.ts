import type { Finding } from '../types.ts';
import type { History } from '../history/index.ts';
import { appMatch, finding, fmtPct, fmtSec, MINUTE, round } from './common.ts';
import { HINTS } from './hints.ts';
import { quantileQuery, sumRateQuery } from './promql.ts';
import type { EvalContext } from './types.ts';

const BY = ['route_class', 'transport'];

/** `admission-rejections`: the gateway rejects or times out admissions; reported with their share of enqueued. */
export function admissionRejections(history: History, ctx: EvalContext, pod: string): Finding[] {
  const t = ctx.thresholds;
  const app = appMatch(history, ctx, pod);
  const range = t.rateWindowMinutes * MINUTE;
  const rejected = history.rate(pod, ctx.names.admissionRejected, app, range, ctx.now) ?? 0;
  const timedOut = history.rate(pod, ctx.names.admissionTimedOut, app, range, ctx.now) ?? 0;
  const enqueued = history.rate(pod, ctx.names.admissionEnqueued, app, range, ctx.now);
  const failing = rejected + timedOut;
  if (!(failing > t.admissionRejectMinRate)) return [];
  const ratio = enqueued !== undefined && enqueued > 0 ? failing / enqueued : undefined;
  return [
    finding(ctx, pod, {
      rule: 'admission-rejections',
      severity: 'warning',
      summary: `gateway admission: ${(rejected * 60).toFixed(1)}/min rejected, ${(timedOut * 60).toFixed(1)}/min timed out${ratio !== undefined ? ` (${fmtPct(ratio)} of enqueued)` : ''} over ${t.rateWindowMinutes} min`,
      evidence: {
        rejectedPerSec: round(rejected, 4),
        timedOutPerSec: round(timedOut, 4),
        ...(enqueued !== undefined ? { enqueuedPerSec: round(enqueued, 4) } : {}),
        ...(ratio !== undefined ? { ratioToEnqueued: round(ratio, 4) } : {}),
      },
      hint: HINTS.admission,
      promql: [ctx.names.admissionRejected, ctx.names.admissionTimedOut, ctx.names.admissionEnqueued]
        .map((m) => sumRateQuery(ctx, pod, m, t.rateWindowMinutes, BY))
        .join('\n\n'),
    }),
  ];
}

/** `admission-queue-p95`: queue time p95 of the worst route class/transport above the threshold. */
export function admissionQueueP95(history: History, ctx: EvalContext, pod: string): Finding[] {
  const t = ctx.thresholds;
  const groups = history
    .histogramQuantile(0.95, pod, ctx.names.admissionQueueTime, t.rateWindowMinutes * MINUTE, ctx.now, BY, appMatch(history, ctx, pod))
    .filter((g) => Number.isFinite(g.value))
    .sort((a, b) => b.value - a.value);
  const worst = groups[0];
  if (!worst || worst.value < t.admissionQueueP95Seconds) return [];
  const where = BY.map((k) => worst.labels[k]).filter(Boolean).join('/');
  return [
    finding(ctx, pod, {
      rule: 'admission-queue-p95',
      severity: 'warning',
      summary: `admission queue time p95 ${fmtSec(worst.value)}${where ? ` for ${where}` : ''} over ${t.rateWindowMinutes} min`,
      evidence: { p95Seconds: round(worst.value), ...worst.labels, groupsAbove: groups.filter((g) => g.value >= t.admissionQueueP95Seconds).length },
      hint: HINTS.admission,
      promql: quantileQuery(ctx, pod, ctx.names.admissionQueueTime, t.rateWindowMinutes, BY),
    }),
  ];
}
