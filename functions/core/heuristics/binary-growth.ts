import type { Finding } from '../types.ts';
import type { History } from '../history/index.ts';
import { appMatch, cgroupMatch, finding, fmtMiB, growth, MiB, recent, round, sparkline } from './common.ts';
import { HINTS } from './hints.ts';
import { beamQuery, workingSetQuery } from './promql.ts';
import type { EvalContext } from './types.ts';

/**
 * `binary-growth`: `vm_memory_binary_bytes` climbs together with cgroup memory (or, for a pod's own /metrics
 * with no cgroup series, with BEAM total) — the runbook's pattern for retained streaming responses and buffers.
 */
export function binaryGrowth(history: History, ctx: EvalContext, pod: string): Finding[] {
  const t = ctx.thresholds;
  const app = appMatch(history, ctx, pod);
  const binary = growth(history, ctx, pod, ctx.names.beamBinary, app);
  if (!binary.enough || binary.perMinute / MiB < t.binarySlopeMiBPerMin) return [];
  const hasCgroup = recent(history, ctx, pod, ctx.names.workingSet, cgroupMatch(ctx), t.growthRangeMinutes).length > 0;
  const companion = hasCgroup
    ? growth(history, ctx, pod, ctx.names.workingSet, cgroupMatch(ctx))
    : growth(history, ctx, pod, ctx.names.beamTotal, app);
  if (!companion.enough || companion.perMinute / MiB < t.cgroupClimbMiBPerMin) return [];
  const label = hasCgroup ? 'cgroup working set' : 'BEAM total';
  return [
    finding(ctx, pod, {
      rule: 'binary-growth',
      severity: 'warning',
      summary: `BEAM binary memory ${fmtMiB(binary.level)} growing ${(binary.perMinute / MiB).toFixed(1)} MiB/min with ${label} growing ${(companion.perMinute / MiB).toFixed(1)} MiB/min`,
      evidence: {
        binaryBytes: binary.level,
        binarySlopeMiBPerMin: round(binary.perMinute / MiB, 2),
        companionSlopeMiBPerMin: round(companion.perMinute / MiB, 2),
        companion: label,
      },
      hint: HINTS.binary,
      promql: `${beamQuery(ctx, pod, ctx.names.beamBinary)}\n\n${hasCgroup ? workingSetQuery(ctx, pod) : beamQuery(ctx, pod, ctx.names.beamTotal)}`,
      series: sparkline(binary.points, ctx),
    }),
  ];
}
