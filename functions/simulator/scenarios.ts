/** Named behaviours of the leak pod; every other pod stays healthy. */
export type ScenarioName =
  | 'healthy'
  | 'binary-leak'
  | 'non-beam-growth'
  | 'process-leak'
  | 'restart-loop'
  | 'page-cache-heavy';

export const SCENARIOS: readonly ScenarioName[] = Object.freeze([
  'healthy',
  'binary-leak',
  'non-beam-growth',
  'process-leak',
  'restart-loop',
  'page-cache-heavy',
]);

export function isScenarioName(value: unknown): value is ScenarioName {
  return typeof value === 'string' && (SCENARIOS as readonly string[]).includes(value);
}

const MiB = 1024 * 1024;

/**
 * How hard each scenario pushes. Leak rates are per sim second and get a per-pod ±5% factor from the seed.
 * 9 MiB/min from a ~350–380 MiB RSS baseline reaches a 1 GiB limit in ~70–75 sim minutes, inside the
 * "60–90 minutes after the switch" window wanted for binary-leak and non-beam-growth.
 */
export const SCENARIO_EFFECTS = {
  binaryLeakBytesPerSec: (9 * MiB) / 60,
  nonBeamLeakBytesPerSec: (9 * MiB) / 60,
  /** Stuck request processes: ~100 a minute, each holding ~40 KiB of heap. */
  processLeakPerSec: 100 / 60,
  processLeakBytesEach: 40 * 1024,
  /** Leaked processes at which latency/admission stress saturates. */
  processLeakStressAt: 8_000,
  restartLoopPeriodMs: 180_000,
  restartLoopJitterMs: 20_000,
  /** page-cache-heavy: working set settles at this share of the limit, mostly active file cache. */
  pageCacheWorkingSetRatio: 0.93,
  pageCacheActiveRatio: 0.95,
  pageCacheRampMs: 300_000,
  /** binary-leak correlates with streaming response retention, so the stream buffer counters move. */
  binaryLeakOversizedPerSec: 0.08,
  binaryLeakTruncatedPerSec: 0.02,
} as const;
