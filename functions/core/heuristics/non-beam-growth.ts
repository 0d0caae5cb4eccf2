import type { Finding } from '../types.ts';
import { combine, type History } from '../history/index.ts';
import { appMatch, cgroupMatch, finding, fmtMiB, MiB, recent, round, sparkline, trend } from './common.ts';
import { HINTS } from './hints.ts';
import { nonBeamQuery } from './promql.ts';
import type { EvalContext } from './types.ts';

/**
 * `non-beam-growth`: cgroup memory (RSS, else working set) minus BEAM total climbs while BEAM total stays flat —
 * memory the BEAM does not account for (NIFs, allocator fragmentation, mmap'd files, ports). Needs per-pod BEAM
 * series next to cgroup ones. The PromQL is the runbook's view of the gap, on the cgroup metric the finding measured.
 */
export function nonBeamGrowth(history: History, ctx: EvalContext, pod: string): Finding[] {
  const t = ctx.thresholds;
  const minutes = t.growthRangeMinutes;
  const cg = cgroupMatch(ctx);
  // RSS first: the working set also holds active page cache, which fills up (and is reclaimed) without any leak.
  let cgroupName = ctx.names.rss;
  let cgroup = recent(history, ctx, pod, cgroupName, cg, minutes);
  if (cgroup.length === 0) {
    cgroupName = ctx.names.workingSet;
    cgroup = recent(history, ctx, pod, cgroupName, cg, minutes);
  }
  const beamPoints = recent(history, ctx, pod, ctx.names.beamTotal, appMatch(history, ctx, pod), minutes);
  if (cgroup.length === 0 || beamPoints.length === 0) return [];
  const gap = trend(combine(cgroup, beamPoints, history.options.stalenessMs, (c, b) => Math.max(c - b, 0)), ctx);
  const beam = trend(beamPoints, ctx);
  if (!gap.enough || !beam.enough) return [];
  const gapSlope = gap.perMinute / MiB;
  const beamSlope = beam.perMinute / MiB;
  if (gapSlope < t.nonBeamSlopeMiBPerMin || gap.level < t.nonBeamMinGapMiB * MiB || Math.abs(beamSlope) > t.beamFlatMiBPerMin) return [];
  return [
    finding(ctx, pod, {
      rule: 'non-beam-growth',
      severity: 'warning',
      summary: `cgroup ${cgroupName === ctx.names.rss ? 'RSS' : 'working set'} not explained by BEAM total is ${fmtMiB(gap.level)} and growing ${gapSlope.toFixed(1)} MiB/min while BEAM total is flat (${beamSlope.toFixed(2)} MiB/min)`,
      evidence: {
        nonBeamBytes: gap.level,
        nonBeamSlopeMiBPerMin: round(gapSlope, 2),
        beamTotalBytes: beam.level,
        beamSlopeMiBPerMin: round(beamSlope, 2),
        cgroupMetric: cgroupName,
      },
      hint: HINTS.nonBeam,
      promql: nonBeamQuery(ctx, pod, cgroupName),
      series: sparkline(gap.points, ctx),
    }),
  ];
}
