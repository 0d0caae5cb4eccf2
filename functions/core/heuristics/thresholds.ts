import * as z from 'zod';

// One schema per kind, shared by every threshold of that kind (only the default differs): zod schemas are
// immutable, and each cold start of every Lambda builds these ~50 fields, so ~150 fewer schema objects to build.
const RATIO = z.number().gt(0).lte(2);
const POSITIVE = z.number().positive();
const NON_NEGATIVE = z.number().nonnegative();
const COUNT = z.number().int().positive();
const ratio = (d: number) => RATIO.default(d);
const positive = (d: number) => POSITIVE.default(d);
const nonNegative = (d: number) => NON_NEGATIVE.default(d);
const count = (d: number) => COUNT.default(d);

/**
 * Every heuristic threshold with its default. Config passes a partial record of overrides
 * (`thresholds: { memoryWarnRatio: 0.8 }`); unknown keys fail fast. Units are in the key names.
 */
export const Thresholds = z
  .object({
    // memory-pressure: working set / limit, RSS / limit decides whether it may page.
    memoryWarnRatio: ratio(0.85),
    memoryCritRatio: ratio(0.95),
    /** Points in the "current level" median, so one spike does not trip a ratio. */
    levelPoints: count(3),
    /** Limit to assume when no cgroup/kube-state limit is known (e.g. `kind: metrics` targets); 0 = unknown, skip. */
    assumedLimitBytes: nonNegative(0),

    // time-to-oom
    ttoLevelRatio: ratio(0.6),
    ttoWarnMinutes: positive(60),
    ttoCritMinutes: positive(20),
    ttoRangeMinutes: positive(30),
    ttoGraceMinutes: nonNegative(15),
    /** A prediction episode ends after this long without a prediction. */
    ttoEpisodeGapMinutes: positive(30),

    // Data a growth rule needs before it may fire.
    growthRangeMinutes: positive(30),
    growthMinPoints: count(10),
    growthMinSpanMinutes: positive(10),

    // non-beam-growth
    nonBeamSlopeMiBPerMin: positive(1),
    nonBeamMinGapMiB: nonNegative(64),
    beamFlatMiBPerMin: nonNegative(0.5),

    // binary / ETS / process heap growth
    binarySlopeMiBPerMin: positive(1),
    cgroupClimbMiBPerMin: nonNegative(0.5),
    etsSlopeMiBPerMin: positive(1),
    processHeapSlopeMiBPerMin: positive(1),

    // process / port / run queue
    processClimbPerMin: positive(50),
    portClimbPerMin: positive(10),
    runQueueClimbPerMin: positive(0.5),
    runQueueMinLevel: nonNegative(5),
    headroomWarnRatio: ratio(0.8),
    headroomCritRatio: ratio(0.95),

    // atom-table
    atomWarnRatio: ratio(0.8),
    atomCritRatio: ratio(0.9),
    atomDefaultLimit: count(1_048_576),

    // restarts / oom-killed
    restartWindowMinutes: positive(15),
    restartCritCount: count(3),

    // Gateway, HTTP and DB signals (rates over `rateWindowMinutes`, as in the runbook's [5m]).
    rateWindowMinutes: positive(5),
    streamBufferMinRate: nonNegative(0),
    admissionRejectMinRate: nonNegative(0),
    admissionQueueP95Seconds: positive(1),
    http5xxRatio: ratio(0.05),
    httpMinRequestsPerSec: nonNegative(0.05),
    httpLatencyP95Seconds: positive(2),
    dbQueueP95Seconds: positive(0.5),
    dbUnknownMinRate: nonNegative(0),

    /** Mirrors CODEX_POOLER_MEMORY_SAMPLER_THRESHOLD_RATIO. */
    samplerRatio: ratio(0.7),

    /** A pod whose newest sample is older than this is not evaluated (it is gone or its scrape failed). */
    podStaleMinutes: positive(5),
    /** Points at most in a finding's sparkline. */
    seriesPoints: count(60),
  })
  .strict();

export type Thresholds = z.infer<typeof Thresholds>;

export const defaultThresholds: Thresholds = Thresholds.parse({});

/** Defaults overlaid with config overrides; throws the ZodError (with issue paths) on unknown keys or bad values. */
export function resolveThresholds(overrides: Record<string, number> = {}): Thresholds {
  const t = Thresholds.parse(overrides);
  const pairs: [keyof Thresholds, keyof Thresholds][] = [
    ['memoryWarnRatio', 'memoryCritRatio'],
    ['ttoCritMinutes', 'ttoWarnMinutes'],
    ['headroomWarnRatio', 'headroomCritRatio'],
    ['atomWarnRatio', 'atomCritRatio'],
  ];
  const issues = pairs
    .filter(([lo, hi]) => t[lo] > t[hi])
    .map(([lo, hi]) => ({ code: 'custom' as const, path: [lo], message: `${lo} must not exceed ${hi}`, input: t[lo] }));
  if (issues.length > 0) throw new z.ZodError(issues);
  return t;
}
