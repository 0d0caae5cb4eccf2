import type { Finding, Severity } from '../types.ts';
import type { History, Point } from '../history/index.ts';
import { finding, fmtMin, kubeMatch, MINUTE, recent, sparkline } from './common.ts';
import { HINTS } from './hints.ts';
import { lastReasonQuery, restartsQuery } from './promql.ts';
import type { EvalContext, PodMemo } from './types.ts';

/** Time of the latest step up (or reset) of a counter: when the restart was observed. */
function lastIncreaseAt(points: readonly Point[]): number | undefined {
  for (let i = points.length - 1; i > 0; i--) if (points[i]!.v !== points[i - 1]!.v) return points[i]!.t;
  return undefined;
}

/** The reason label of the current `last_terminated_reason` series with value 1 (the newest if several). */
function lastReason(history: History, ctx: EvalContext, pod: string): string | undefined {
  const current = history
    .currentSeries(pod, ctx.names.lastTerminatedReason, kubeMatch(ctx))
    .filter((s) => s.last.v === 1)
    .sort((a, b) => b.last.t - a.last.t);
  return current[0]?.labels.reason;
}

function postMortem(kill: { at: number; leadMs?: number }): string {
  return kill.leadMs === undefined
    ? 'not predicted: no time-to-oom warning in the preceding window'
    : `predicted ${fmtMin(kill.leadMs / MINUTE)} min before the kill`;
}

/**
 * `restarts` and `oom-killed`: exact restart deltas over the runbook's 15 minutes, and the last terminated reason.
 * An OOMKilled restart is `oom-killed` (critical) with a post-mortem: was it predicted by time-to-oom, how early.
 */
export function restartRules(history: History, ctx: EvalContext, pod: string, memo: PodMemo): { findings: Finding[]; memo: PodMemo } {
  const t = ctx.thresholds;
  const match = kubeMatch(ctx);
  const next: PodMemo = { ...memo };
  const points = recent(history, ctx, pod, ctx.names.restarts, match, history.options.windowMs / MINUTE);
  const total = history.latest(pod, ctx.names.restarts, match);
  const at = lastIncreaseAt(points);
  if (at !== undefined) next.restartAt = Math.max(next.restartAt ?? -Infinity, at);
  if (total !== undefined && Number.isFinite(total)) {
    if (next.restartCount !== undefined && total !== next.restartCount) next.restartAt = Math.max(next.restartAt ?? -Infinity, at ?? ctx.now);
    next.restartCount = total;
  }
  const delta = history.increase(pod, ctx.names.restarts, match, t.restartWindowMinutes * MINUTE, ctx.now, { exact: true });
  if (delta === undefined || delta < 1) return { findings: [], memo: next };

  const reason = lastReason(history, ctx, pod);
  const evidence = { restarts: delta, windowMinutes: t.restartWindowMinutes, ...(total !== undefined ? { restartsTotal: total } : {}), ...(reason ? { lastTerminatedReason: reason } : {}) };
  const promql = `${restartsQuery(ctx, pod, t.restartWindowMinutes)}\n\n${lastReasonQuery(ctx, pod)}`;
  const series = sparkline(recent(history, ctx, pod, ctx.names.restarts, match, t.growthRangeMinutes), ctx);
  const times = delta === 1 ? 'once' : `${delta} times`;

  if (reason === 'OOMKilled') {
    const killAt = at ?? ctx.now;
    if (next.kill?.at !== killAt) {
      // The episode must have been live shortly before the kill, not a stale prediction from an earlier climb.
      const predicted =
        memo.predictedAt !== undefined &&
        memo.lastPredictedAt !== undefined &&
        memo.predictedAt <= killAt &&
        killAt - memo.lastPredictedAt <= t.ttoEpisodeGapMinutes * MINUTE;
      next.kill = predicted ? { at: killAt, leadMs: killAt - memo.predictedAt! } : { at: killAt };
      delete next.predictedAt;
      delete next.predictedMinutes;
      delete next.lastPredictedAt;
    }
    const kill = next.kill!;
    return {
      findings: [
        finding(ctx, pod, {
          rule: 'oom-killed',
          severity: 'critical',
          summary: `OOMKilled: restarted ${times} in ${t.restartWindowMinutes} min; ${postMortem(kill)}`,
          evidence: { ...evidence, predicted: kill.leadMs === undefined ? 'no' : 'yes', ...(kill.leadMs !== undefined ? { predictedMinutesBefore: Math.round(kill.leadMs / MINUTE) } : {}) },
          hint: HINTS.oomKilled,
          promql,
          series,
        }),
      ],
      memo: next,
    };
  }
  const severity: Severity = delta >= t.restartCritCount ? 'critical' : 'warning';
  return {
    findings: [
      finding(ctx, pod, {
        rule: 'restarts',
        severity,
        summary: `restarted ${times} in ${t.restartWindowMinutes} min${reason ? ` (last terminated reason: ${reason})` : ''}`,
        evidence,
        hint: HINTS.restarts,
        promql,
        series,
      }),
    ],
    memo: next,
  };
}
