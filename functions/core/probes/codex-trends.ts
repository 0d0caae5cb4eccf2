import type { RunbookSelectors } from '../../config/metric-names.ts';
import { level, subsample, theilSen, type Point } from '../history/index.ts';
import type { Finding, Severity } from '../types.ts';
import { targetFinding, targetSelector, topFamiliesQuery, type CheckTarget } from './codex-common.ts';
import { fmtBytes, fmtMin, fmtPct, round } from '../heuristics/common.ts';

export const SCRAPE_SLOW_RULE = 'scrape-slow';
export const EXPOSITION_LARGE_RULE = 'exposition-large';
export const EXPOSITION_GROWTH_RULE = 'exposition-growth';

/** A size below half the previous one is a restart (a fresh reporter has seen no labels yet): growth counts from it. */
const RESET_DROP = 0.5;
const SPARK_POINTS = 30;

export const TREND_HINTS = {
  slow: "the scrape takes a large share of its timeout: check the pod's CPU and BEAM run queues and the exposition size; a little slower and the scrape times out, leaving Prometheus and pooler-watch blind",
  large:
    'the exposition is nearing maxBytes; past it every scrape fails (too-large). Find the families with the most series (the PromQL), drop high-cardinality labels, or raise maxBytes',
  growth:
    'a steadily growing exposition usually means a label cardinality explosion (a label fed from request data): find the families with the most series (the PromQL). Every series also costs BEAM memory in the reporter, so watch ETS memory too',
} as const;

/** Thresholds of the trend rules (config's `builtinChecks.scrapeTrends`, durations in ms). */
export interface TrendThresholds {
  window: number;
  levelPoints: number;
  slowRatio: number;
  largeRatio: number;
  growthRatioPerHour: number;
  growthMinBytesPerHour: number;
  growthMinPoints: number;
  growthMinSpan: number;
  growthSeverity: Severity;
}

export interface TrendInput {
  target: CheckTarget;
  selectors: RunbookSelectors;
  /** Successful scrapes' cost as [ts ms, value]; any order, hostile values are dropped. */
  durationMs: ReadonlyArray<readonly [number, number]>;
  bytes: ReadonlyArray<readonly [number, number]>;
  /** The target's own limits: what "slow" and "large" are measured against. */
  timeoutMs: number;
  maxBytes: number;
  now: number;
  thresholds: TrendThresholds;
}

/**
 * Finite, non-negative values inside `(now - window, now]`, oldest first, one per timestamp (the last wins).
 * A negative duration or size is a clock or accounting glitch, never a measurement.
 */
export function cleanSeries(series: ReadonlyArray<readonly [number, number]>, now: number, window: number): Point[] {
  const byTime = new Map<number, number>();
  for (const entry of series) {
    const [t, v] = entry;
    if (!Number.isFinite(t) || !Number.isFinite(v) || v < 0 || t > now || t <= now - window) continue;
    byTime.set(t, v);
  }
  return [...byTime].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, v }));
}

/** The points since the last restart-like drop. */
export function sinceLastDrop(points: readonly Point[]): Point[] {
  for (let i = points.length - 1; i > 0; i--) {
    if (points[i]!.v < points[i - 1]!.v * RESET_DROP) return points.slice(i);
  }
  return [...points];
}

/** The median of the last `k` points, only when there are `k` of them (one slow scrape is not a level). */
function settledLevel(points: readonly Point[], k: number): number | undefined {
  if (points.length < k) return undefined;
  const v = level(points, k);
  return Number.isFinite(v) ? v : undefined;
}

const spark = (points: readonly Point[]): Array<[number, number]> => subsample(points, SPARK_POINTS).map((p) => [p.t, p.v]);

/** A target limit the rules can divide by: config guarantees one, but the core does not trust its callers. */
const usableLimit = (v: number): boolean => Number.isFinite(v) && v >= 1;


/** `scrape-slow`: the settled duration reaches `slowRatio` of the target's timeout. */
export function scrapeSlow(input: TrendInput): Finding | undefined {
  const t = input.thresholds;
  if (!usableLimit(input.timeoutMs)) return undefined;
  const points = cleanSeries(input.durationMs, input.now, t.window);
  const ms = settledLevel(points, t.levelPoints);
  if (ms === undefined) return undefined;
  const ratio = ms / input.timeoutMs;
  if (ratio < t.slowRatio) return undefined;
  return targetFinding(input.target, {
    rule: SCRAPE_SLOW_RULE,
    severity: 'warning',
    summary: `scrape of ${input.target.name} takes ${Math.round(ms)} ms, ${fmtPct(ratio)} of its ${input.timeoutMs} ms timeout`,
    evidence: { durationMs: Math.round(ms), timeoutMs: input.timeoutMs, ratio: round(ratio) },
    hint: TREND_HINTS.slow,
    promql: `scrape_duration_seconds{${targetSelector(input.target, input.selectors)}}`,
    series: spark(points),
  });
}

/** `exposition-large`: the settled size reaches `largeRatio` of the target's maxBytes. */
export function expositionLarge(input: TrendInput): Finding | undefined {
  const t = input.thresholds;
  if (!usableLimit(input.maxBytes)) return undefined;
  const points = cleanSeries(input.bytes, input.now, t.window);
  const bytes = settledLevel(points, t.levelPoints);
  if (bytes === undefined) return undefined;
  const ratio = bytes / input.maxBytes;
  if (ratio < t.largeRatio) return undefined;
  return targetFinding(input.target, {
    rule: EXPOSITION_LARGE_RULE,
    severity: 'warning',
    summary: `exposition of ${input.target.name} is ${fmtBytes(bytes)}, ${fmtPct(ratio)} of its maxBytes ${fmtBytes(input.maxBytes)}`,
    evidence: { bytes: Math.round(bytes), maxBytes: input.maxBytes, ratio: round(ratio) },
    hint: TREND_HINTS.large,
    promql: topFamiliesQuery(input.target, input.selectors),
    series: spark(points),
  });
}

/**
 * `exposition-growth`: the size grows steadily. Theil–Sen over the window (half the points may be outliers) must
 * exceed both a relative and an absolute rate, and the recent half must still grow at half that rate, so the
 * warm-up after a restart (labels seen for the first time, then a plateau) is not taken for a leak.
 */
export function expositionGrowth(input: TrendInput): Finding | undefined {
  const t = input.thresholds;
  const points = sinceLastDrop(cleanSeries(input.bytes, input.now, t.window));
  if (points.length < Math.max(t.growthMinPoints, 3)) return undefined;
  if (points[points.length - 1]!.t - points[0]!.t < t.growthMinSpan) return undefined;
  const bytes = level(points, t.levelPoints);
  const perHour = theilSen(points) * 3_600;
  if (!(bytes > 0) || !Number.isFinite(perHour)) return undefined;
  const relative = perHour / bytes;
  const recentPerHour = theilSen(points.slice(points.length >> 1)) * 3_600;
  if (relative < t.growthRatioPerHour || perHour < t.growthMinBytesPerHour) return undefined;
  if (!(recentPerHour / bytes >= t.growthRatioPerHour / 2)) return undefined;
  if (!usableLimit(input.maxBytes)) return undefined;
  const hoursToCap = input.maxBytes > bytes ? (input.maxBytes - bytes) / perHour : 0;
  const spanMin = Math.round((points[points.length - 1]!.t - points[0]!.t) / 60_000);
  return targetFinding(input.target, {
    rule: EXPOSITION_GROWTH_RULE,
    severity: t.growthSeverity,
    summary: `exposition of ${input.target.name} grows ${fmtBytes(perHour)}/h (${fmtPct(relative)}/h) over ${spanMin} min, now ${fmtBytes(bytes)}; maxBytes in ~${fmtMin(hoursToCap)} h`,
    evidence: {
      bytes: Math.round(bytes),
      bytesPerHour: Math.round(perHour),
      ratioPerHour: round(relative),
      hoursToMaxBytes: round(hoursToCap, 1),
      windowMinutes: spanMin,
    },
    hint: TREND_HINTS.growth,
    promql: topFamiliesQuery(input.target, input.selectors),
    series: spark(points),
  });
}

/** Every trend rule for one target. */
export function scrapeTrends(input: TrendInput): Finding[] {
  return [scrapeSlow(input), expositionLarge(input), expositionGrowth(input)].filter((f): f is Finding => f !== undefined);
}
