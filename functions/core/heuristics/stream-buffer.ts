import type { Finding } from '../types.ts';
import type { History } from '../history/index.ts';
import { appMatch, finding, MINUTE, round } from './common.ts';
import { HINTS } from './hints.ts';
import { rateQuery } from './promql.ts';
import type { EvalContext } from './types.ts';

/** `stream-buffer`: oversized or truncated stream-buffer events in the last rate window. */
export function streamBuffer(history: History, ctx: EvalContext, pod: string): Finding[] {
  const t = ctx.thresholds;
  const app = appMatch(history, ctx, pod);
  const range = t.rateWindowMinutes * MINUTE;
  const oversized = history.rate(pod, ctx.names.streamBufferOversized, app, range, ctx.now);
  const truncated = history.rate(pod, ctx.names.streamBufferTruncated, app, range, ctx.now);
  if (!((oversized ?? 0) > t.streamBufferMinRate || (truncated ?? 0) > t.streamBufferMinRate)) return [];
  const perMin = (r: number | undefined) => ((r ?? 0) * 60).toFixed(1);
  return [
    finding(ctx, pod, {
      rule: 'stream-buffer',
      severity: 'warning',
      summary: `stream buffer events: ${perMin(oversized)}/min oversized, ${perMin(truncated)}/min truncated over ${t.rateWindowMinutes} min`,
      evidence: { oversizedPerSec: round(oversized ?? 0, 4), truncatedPerSec: round(truncated ?? 0, 4) },
      hint: HINTS.binary,
      promql: `${rateQuery(ctx, pod, ctx.names.streamBufferOversized, t.rateWindowMinutes)}\n${rateQuery(ctx, pod, ctx.names.streamBufferTruncated, t.rateWindowMinutes)}`,
    }),
  ];
}
