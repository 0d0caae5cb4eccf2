import type { Finding } from '../types.ts';
import type { History } from '../history/index.ts';
import { appMatch, finding, fmtMiB, growth, MiB, round, sparkline } from './common.ts';
import { HINTS } from './hints.ts';
import { beamQuery } from './promql.ts';
import type { EvalContext } from './types.ts';

function areaGrowth(rule: string, area: string, metric: string, threshold: number, hint: string) {
  return (history: History, ctx: EvalContext, pod: string): Finding[] => {
    const g = growth(history, ctx, pod, metric, appMatch(history, ctx, pod));
    const slope = g.perMinute / MiB;
    if (!g.enough || slope < threshold) return [];
    return [
      finding(ctx, pod, {
        rule,
        severity: 'warning',
        summary: `BEAM ${area} memory ${fmtMiB(g.level)} growing ${slope.toFixed(1)} MiB/min over ${ctx.thresholds.growthRangeMinutes} min`,
        evidence: { bytes: g.level, slopeMiBPerMin: round(slope, 2) },
        hint,
        promql: beamQuery(ctx, pod, metric),
        series: sparkline(g.points, ctx),
      }),
    ];
  };
}

/** `ets-growth`: `vm_memory_ets_bytes` climbing. */
export function etsGrowth(history: History, ctx: EvalContext, pod: string): Finding[] {
  return areaGrowth('ets-growth', 'ETS', ctx.names.beamEts, ctx.thresholds.etsSlopeMiBPerMin, HINTS.ets)(history, ctx, pod);
}

/** `process-heap-growth`: `vm_memory_processes_bytes` climbing. */
export function processHeapGrowth(history: History, ctx: EvalContext, pod: string): Finding[] {
  return areaGrowth('process-heap-growth', 'process heap', ctx.names.beamProcesses, ctx.thresholds.processHeapSlopeMiBPerMin, HINTS.processHeap)(history, ctx, pod);
}
