import * as z from 'zod';
import { Duration } from './duration.ts';
import { MetricNames } from './metric-names.ts';

const Severity = z.enum(['critical', 'warning', 'info']);

/**
 * What pooler-watch expects of an unauthenticated GET of a `kind: metrics` target:
 * - `expect-protected` (default): 401/403. An exposition served without a token is `metrics-auth-off`, whether or
 *   not a token is configured (metrics auth lives in /admin/system and can be switched off by accident).
 * - `expect-open`: open metrics are intended (e.g. a NetworkPolicy guards them); the probe still runs and reports
 *   `MetricsAuthOpen`, but never alerts.
 * - `off`: no unauthenticated request is sent at all.
 */
export const MetricsAuthMode = z.enum(['expect-protected', 'expect-open', 'off']);
export type MetricsAuthMode = z.infer<typeof MetricsAuthMode>;

/**
 * The families the runbook's dashboard and OOM-risk rules read from a pod's own /metrics (codex-pooler-monitoring.md,
 * "Runtime triage dashboard" items 2 and 3), as MetricNames keys so relabelled names follow `metricNames`.
 * Only BEAM families: they come from the poller and exist from the first scrape, whereas codex_pooler_* counters
 * appear only once the matching event happened, so their absence on a quiet pod is not a fault.
 */
export const DEFAULT_EXPECTED_FAMILIES = [
  'beamTotal',
  'beamProcesses',
  'beamBinary',
  'beamEts',
  'beamCode',
  'beamAtom',
  'beamAtomUsed',
  'beamSystem',
  'processCount',
  'portCount',
  'runQueueTotal',
  'runQueueCpu',
  'runQueueIo',
] as const satisfies readonly (keyof MetricNames)[];

const ratio = (d: number) => z.number().gt(0).lte(1).default(d);

export const FamiliesCheck = z
  .object({
    enabled: z.boolean().default(true),
    /** MetricNames keys (not raw names): `metricNames` overrides apply. */
    expected: z.array(MetricNames.keyof()).min(1).default([...DEFAULT_EXPECTED_FAMILIES]),
    severity: Severity.default('warning'),
  })
  .strict();
export type FamiliesCheck = z.infer<typeof FamiliesCheck>;

export const MetricsAuthCheck = z
  .object({
    mode: MetricsAuthMode.default('expect-protected'),
    /** Per-target override of `mode`, by target name. */
    targets: z.record(z.string(), MetricsAuthMode).default({}),
    /**
     * Warning by default: the runbook says metrics must not leak, but they hold runtime numbers, not prompts or
     * tokens, so an open endpoint is a policy breach to fix in working hours, not a page. Raise it if you disagree.
     */
    severity: Severity.default('warning'),
    /** For the unauthenticated request; capped by the target's own `timeout`. */
    timeout: Duration.default(3_000),
  })
  .strict();
export type MetricsAuthCheck = z.infer<typeof MetricsAuthCheck>;

export const ScrapeTrendsCheck = z
  .object({
    enabled: z.boolean().default(true),
    /** Rolling window of successful scrapes' duration and size kept per target. */
    window: Duration.default(30 * 60_000),
    /** Consecutive scrapes whose median must agree before a level rule speaks (one GC pause is not a trend). */
    levelPoints: z.number().int().min(1).default(3),
    /** `scrape-slow` when the median duration reaches this share of the target's `timeout`. */
    slowRatio: ratio(0.5),
    /** `exposition-large` when the median size reaches this share of the target's `maxBytes`. */
    largeRatio: ratio(0.5),
    /** `exposition-growth`: relative growth per hour (Theil–Sen slope / current size) ... */
    growthRatioPerHour: z.number().positive().default(0.25),
    /** ... and absolute growth per hour, so a tiny exposition's jitter is not a trend. */
    growthMinBytesPerHour: z.number().nonnegative().default(32 * 1024),
    growthMinPoints: z.number().int().min(3).default(10),
    growthMinSpan: Duration.default(20 * 60_000),
    growthSeverity: Severity.default('warning'),
  })
  .strict()
  .refine((t) => t.growthMinSpan <= t.window, { message: 'growthMinSpan must not exceed window', path: ['growthMinSpan'] });
export type ScrapeTrendsCheck = z.infer<typeof ScrapeTrendsCheck>;

/** The built-in Codex Pooler checks run beside every scrape (README, "Built-in Codex Pooler checks"). */
export const BuiltinChecks = z
  .object({
    enabled: z.boolean().default(true),
    families: FamiliesCheck.default(FamiliesCheck.parse({})),
    metricsAuth: MetricsAuthCheck.default(MetricsAuthCheck.parse({})),
    scrapeTrends: ScrapeTrendsCheck.default(ScrapeTrendsCheck.parse({})),
  })
  .strict();
export type BuiltinChecks = z.infer<typeof BuiltinChecks>;
