import type { Finding } from '../types.ts';
import type { History } from '../history/index.ts';
import { appMatch, cgroupMatch, currentLevel, finding, fmtMiB, fmtPct, memoryLimit, round } from './common.ts';
import { HINTS } from './hints.ts';
import { beamQuery, memoryRatioQuery } from './promql.ts';
import type { EvalContext } from './types.ts';

/**
 * `sampler-snapshot` (info): BEAM total or cgroup usage crossed the memory sampler's threshold
 * (CODEX_POOLER_MEMORY_SAMPLER_THRESHOLD_RATIO), so its logs now hold a sanitized snapshot for this pod.
 */
export function samplerSnapshot(history: History, ctx: EvalContext, pod: string): Finding[] {
  const t = ctx.thresholds;
  const limit = memoryLimit(history, ctx, pod);
  if (limit === undefined) return [];
  const beam = currentLevel(history, ctx, pod, ctx.names.beamTotal, appMatch(history, ctx, pod));
  const usage =
    currentLevel(history, ctx, pod, ctx.names.cgroupUsage, cgroupMatch(ctx)) ?? currentLevel(history, ctx, pod, ctx.names.workingSet, cgroupMatch(ctx));
  const candidates = [
    ...(beam !== undefined ? [{ what: 'BEAM total', bytes: beam }] : []),
    ...(usage !== undefined ? [{ what: 'cgroup usage', bytes: usage }] : []),
  ].filter((c) => c.bytes / limit >= t.samplerRatio);
  const top = candidates.sort((a, b) => b.bytes - a.bytes)[0];
  if (!top) return [];
  return [
    finding(ctx, pod, {
      rule: 'sampler-snapshot',
      severity: 'info',
      summary: `${top.what} ${fmtMiB(top.bytes)} is ${fmtPct(top.bytes / limit)} of ${fmtMiB(limit)} (sampler threshold ${fmtPct(t.samplerRatio)}): the memory sampler logs now hold a snapshot for this pod`,
      evidence: {
        limitBytes: limit,
        thresholdRatio: t.samplerRatio,
        ...(beam !== undefined ? { beamTotalBytes: beam, beamRatio: round(beam / limit) } : {}),
        ...(usage !== undefined ? { cgroupUsageBytes: usage, cgroupRatio: round(usage / limit) } : {}),
      },
      hint: HINTS.sampler,
      promql: `${beamQuery(ctx, pod, ctx.names.beamTotal)}\n\n${memoryRatioQuery(ctx, pod, ctx.names.cgroupUsage)}`,
    }),
  ];
}
