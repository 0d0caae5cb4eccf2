import type { Finding } from '../types.ts';
import { level, subsample, theilSen, type History, type Match, type Point } from '../history/index.ts';
import type { EvalContext } from './types.ts';

export const MiB = 1024 * 1024;
export const MINUTE = 60_000;

/** cgroup limits above this are "unlimited" (cgroup v1 reports ~2^63). */
const UNLIMITED = 2 ** 60;

export const fmtMiB = (bytes: number): string => `${Math.round(bytes / MiB)} MiB`;
export const fmtPct = (ratio: number): string => `${(ratio * 100).toFixed(ratio < 0.1 ? 1 : 0)}%`;
export const fmtMin = (minutes: number): string => (minutes < 10 ? minutes.toFixed(1) : Math.round(minutes).toString());
export const round = (v: number, digits = 3): number => Number(v.toFixed(digits));
/** Bytes in the largest binary unit that keeps a whole number in front: `512 B`, `12.5 KiB`, `3.2 MiB`. */
export function fmtBytes(bytes: number): string {
  if (bytes >= MiB) return `${(bytes / MiB).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${Math.round(bytes)} B`;
}
export const fmtSec = (s: number): string => (s < 1 ? `${Math.round(s * 1000)} ms` : `${s.toFixed(2)} s`);

/** cAdvisor series of the app container (`container="app"`, never the pod cgroup with `image=""`). */
export function cgroupMatch(ctx: EvalContext): Match {
  return { namespace: ctx.selectors.namespace, container: ctx.selectors.container };
}

/** kube-state-metrics series of the app container (`exported_container` once federated; see Match). */
export function kubeMatch(ctx: EvalContext, extra: Match = {}): Match {
  return { namespace: ctx.selectors.namespace, container: ctx.selectors.container, ...extra };
}

/**
 * App (BEAM, codex_pooler_*) series: federated ones carry namespace/job; a pod's own /metrics carries no labels,
 * so nothing is required of them.
 */
export function appMatch(history: History, ctx: EvalContext, pod: string, extra: Match = {}): Match {
  if (history.podInfo(pod)?.kind === 'metrics') return { ...extra };
  return { namespace: ctx.selectors.namespace, job: ctx.selectors.job, ...extra };
}

/**
 * The pod's memory limit: kube-state's, else cAdvisor's spec limit, else the configured assumption. A spec limit that
 * cAdvisor reports as 0 or unlimited is a known absence of limit (a pod without `resources.limits`): no limit, never the
 * assumption, which is for pods nobody reports a limit for (`kind: metrics`).
 */
export function memoryLimit(history: History, ctx: EvalContext, pod: string): number | undefined {
  const usable = (v: number | undefined) => (v !== undefined && Number.isFinite(v) && v > 0 && v < UNLIMITED ? v : undefined);
  const kube = usable(history.latest(pod, ctx.names.kubeLimit, kubeMatch(ctx, { resource: 'memory' })));
  if (kube !== undefined) return kube;
  const spec = history.latest(pod, ctx.names.specLimit, cgroupMatch(ctx));
  if (spec !== undefined && !Number.isNaN(spec)) return usable(spec);
  return usable(ctx.thresholds.assumedLimitBytes);
}

/** Points of the last `minutes`, merged with max across matching series. */
export function recent(history: History, ctx: EvalContext, pod: string, name: string, match: Match, minutes: number, from = -Infinity): Point[] {
  return history.points(pod, name, match, { from: Math.max(from, ctx.now - minutes * MINUTE), to: ctx.now });
}

/** The current level (median of the last few recent points), or undefined without fresh data. */
export function currentLevel(history: History, ctx: EvalContext, pod: string, name: string, match: Match): number | undefined {
  const pts = recent(history, ctx, pod, name, match, ctx.thresholds.podStaleMinutes);
  const v = level(pts, ctx.thresholds.levelPoints);
  return Number.isFinite(v) ? v : undefined;
}

/** A robust trend, with whether there is enough data for a growth rule to speak. */
export interface Trend {
  /** Theil–Sen slope, units per minute. */
  perMinute: number;
  level: number;
  points: Point[];
  enough: boolean;
}

export function trend(points: Point[], ctx: EvalContext): Trend {
  const t = ctx.thresholds;
  const span = points.length > 1 ? points[points.length - 1]!.t - points[0]!.t : 0;
  const enough = points.length >= t.growthMinPoints && span >= t.growthMinSpanMinutes * MINUTE;
  return { perMinute: theilSen(points) * 60, level: level(points, t.levelPoints), points, enough };
}

/** The growth-range trend of one metric. */
export function growth(history: History, ctx: EvalContext, pod: string, name: string, match: Match, from = -Infinity, minutes = ctx.thresholds.growthRangeMinutes): Trend {
  return trend(recent(history, ctx, pod, name, match, minutes, from), ctx);
}

/** A sparkline: at most `seriesPoints` points, evenly spread over the window. */
export function sparkline(points: readonly Point[], ctx: EvalContext): Array<[number, number]> {
  return subsample(points, ctx.thresholds.seriesPoints).map((p) => [p.t, p.v]);
}

/** A finding for the pod, with its target filled in. */
export function finding(ctx: EvalContext, pod: string, f: Omit<Finding, 'pod' | 'target'>): Finding {
  return { rule: f.rule, severity: f.severity, pod, target: ctx.targets[pod] ?? pod, summary: f.summary, evidence: f.evidence, hint: f.hint, promql: f.promql, ...(f.series ? { series: f.series } : {}) };
}
