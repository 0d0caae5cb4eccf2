import type { Finding, Severity } from '../types.ts';
import type { History } from '../history/index.ts';
import { appMatch, cgroupMatch, finding, fmtMiB, fmtMin, fmtPct, growth, memoryLimit, MiB, MINUTE, round, sparkline, type Trend } from './common.ts';
import { HINTS } from './hints.ts';
import { beamTimeToLimitQuery, timeToLimitQuery } from './promql.ts';
import type { EvalContext, PodMemo } from './types.ts';

/**
 * When the container (re)started, as far as we can tell: the cAdvisor start time, a restart the memo saw,
 * a counter reset in the pod's own series, or the first sighting. Growth before it belongs to another life.
 */
export function containerStart(history: History, ctx: EvalContext, pod: string, memo: PodMemo): number {
  const started = history.latest(pod, ctx.names.containerStart, cgroupMatch(ctx));
  const info = history.podInfo(pod);
  const candidates = [
    started !== undefined && Number.isFinite(started) ? started * 1000 : -Infinity,
    memo.restartAt ?? -Infinity,
    info?.lastResetAt ?? -Infinity,
    info?.firstSeen ?? -Infinity,
  ];
  return Math.max(...candidates);
}

interface Projection {
  signal: string;
  trend: Trend;
  minutes: number;
}

function project(trend: Trend, limit: number): number {
  if (trend.level >= limit) return 0;
  return trend.perMinute > 0 ? (limit - trend.level) / trend.perMinute : Infinity;
}

/** Which memory to project: RSS (what the OOM killer cannot reclaim), else the working set, else BEAM total. */
function projection(history: History, ctx: EvalContext, pod: string, limit: number, from: number): Projection | undefined {
  const sources: [string, ReturnType<typeof cgroupMatch>][] = [
    [ctx.names.rss, cgroupMatch(ctx)],
    [ctx.names.workingSet, cgroupMatch(ctx)],
    [ctx.names.beamTotal, appMatch(history, ctx, pod)],
  ];
  for (const [signal, match] of sources) {
    const trend = growth(history, ctx, pod, signal, match, from, ctx.thresholds.ttoRangeMinutes);
    if (trend.points.length > 0) return { signal, trend, minutes: project(trend, limit) };
  }
  return undefined;
}

function attributionHint(history: History, ctx: EvalContext, pod: string, from: number, slope: number): string {
  const app = appMatch(history, ctx, pod);
  const binary = growth(history, ctx, pod, ctx.names.beamBinary, app, from);
  if (binary.enough && binary.perMinute >= slope / 2) return HINTS.binary;
  const beam = growth(history, ctx, pod, ctx.names.beamTotal, app, from);
  if (beam.enough && beam.perMinute < slope / 4) return HINTS.nonBeam;
  return HINTS.memory;
}

/**
 * `time-to-oom`: RSS projected to the limit with a robust slope. Needs a level (RSS ≥ ttoLevelRatio of the limit),
 * a trend (time to limit within ttoWarnMinutes) and the warm-up grace after a start, so startup ramps don't page.
 * The memo remembers when an episode was first predicted, for the OOM kill post-mortem.
 */
export function timeToOom(history: History, ctx: EvalContext, pod: string, memo: PodMemo): { findings: Finding[]; memo: PodMemo } {
  const found = predict(history, ctx, pod, memo);
  const next: PodMemo = { ...memo };
  if (found) {
    if (next.predictedAt === undefined) {
      next.predictedAt = ctx.now;
      next.predictedMinutes = round(Number(found.evidence.minutesToOom), 1);
    }
    next.lastPredictedAt = ctx.now;
  } else if (next.lastPredictedAt !== undefined && ctx.now - next.lastPredictedAt > ctx.thresholds.ttoEpisodeGapMinutes * MINUTE) {
    delete next.predictedAt;
    delete next.predictedMinutes;
    delete next.lastPredictedAt;
  }
  return { findings: found ? [found] : [], memo: next };
}

function predict(history: History, ctx: EvalContext, pod: string, memo: PodMemo): Finding | undefined {
  const t = ctx.thresholds;
  const limit = memoryLimit(history, ctx, pod);
  if (limit === undefined) return undefined;
  const start = containerStart(history, ctx, pod, memo);
  if (ctx.now - start < t.ttoGraceMinutes * MINUTE) return undefined;
  const p = projection(history, ctx, pod, limit, start);
  if (!p || !p.trend.enough || !(p.trend.perMinute > 0)) return undefined;
  const levelRatio = p.trend.level / limit;
  if (levelRatio < t.ttoLevelRatio || p.minutes > t.ttoWarnMinutes) return undefined;
  const severity: Severity = p.minutes <= t.ttoCritMinutes ? 'critical' : 'warning';
  const what = p.signal === ctx.names.rss ? 'RSS' : p.signal === ctx.names.workingSet ? 'working set' : 'BEAM total';
  const ws = p.signal === ctx.names.rss ? growth(history, ctx, pod, ctx.names.workingSet, cgroupMatch(ctx), start, t.ttoRangeMinutes) : undefined;
  const wsMinutes = ws && ws.enough ? project(ws, limit) : undefined;
  return finding(ctx, pod, {
    rule: 'time-to-oom',
    severity,
    summary: `${what} ${fmtMiB(p.trend.level)} (${fmtPct(levelRatio)} of ${fmtMiB(limit)}) growing ${(p.trend.perMinute / MiB).toFixed(1)} MiB/min: OOM in ~${fmtMin(p.minutes)} min`,
    evidence: {
      minutesToOom: round(p.minutes, 1),
      slopeMiBPerMin: round(p.trend.perMinute / MiB, 2),
      levelRatio: round(levelRatio),
      levelBytes: p.trend.level,
      limitBytes: limit,
      signal: p.signal,
      ...(wsMinutes !== undefined && Number.isFinite(wsMinutes) ? { workingSetMinutesToOom: round(wsMinutes, 1) } : {}),
    },
    hint: attributionHint(history, ctx, pod, start, p.trend.perMinute),
    promql: p.signal === ctx.names.beamTotal ? beamTimeToLimitQuery(ctx, pod, limit, t.ttoRangeMinutes) : timeToLimitQuery(ctx, pod, p.signal, t.ttoRangeMinutes),
    series: sparkline(p.trend.points, ctx),
  });
}
