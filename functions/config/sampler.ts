import * as z from 'zod';
import { Duration, PositiveDuration } from './duration.ts';

const ratio = (d: number) => z.number().gt(0).lte(1).default(d);

/**
 * How sampler logs (`pooler-watch ingest-logs`, the `sampler-logs` Lambda) are read and judged. Worker and
 * scheduler pods expose no `/metrics`: the memory sampler's snapshot lines are the only in-process signal.
 * The defaults mirror the sampler's own defaults in the runbook (`CODEX_POOLER_MEMORY_SAMPLER_*`).
 */
export const SamplerLogs = z
  .object({
    /**
     * The text that marks a snapshot line (case-insensitive; `_`, `.` or `-` may stand for the spaces). A line
     * without it is an ordinary log line and skipped; keep the AWS subscription filter pattern in step.
     */
    message: z.string().min(3).max(100).regex(/^[A-Za-z0-9 _.-]+$/, 'letters, digits, spaces, _ . - only').default('memory sampler snapshot'),
    /** `sampler-threshold` fires at this share of the limit: CODEX_POOLER_MEMORY_SAMPLER_THRESHOLD_RATIO (0.70). */
    thresholdRatio: ratio(0.7),
    /**
     * The limit a snapshot is measured against when it carries no cgroup limit (and no `limit_bytes` of its own):
     * CODEX_POOLER_MEMORY_SAMPLER_LIMIT_BYTES (1 GiB).
     */
    limitBytes: z.number().int().positive().default(1_073_741_824),
    /** `sampler-cgroup-near-limit` (critical) at this share of the cgroup limit, judged on RSS when the snapshot has it. */
    nearLimitRatio: ratio(0.9),
    /** `sampler-queue-growth`: consecutive snapshots in which a process's message queue grew... */
    queueGrowthSnapshots: z.number().int().min(2).max(20).default(3),
    /** ...ending at least this long. */
    queueGrowthMinLength: z.number().int().nonnegative().default(100),
    /** `sampler-repeated`: this many snapshots of one pod within `repeatWindow` is sustained pressure. */
    repeatCount: z.number().int().min(2).max(100).default(3),
    /** Also the idempotency window: a rule notifies at most once per pod per window. */
    repeatWindow: PositiveDuration.default(15 * 60_000),
    /** How far back (from a pod's newest snapshot) its snapshots are kept for queue growth and repeats. */
    retention: Duration.default(60 * 60_000),
    /** Longer lines are rejected, not buffered. CloudWatch Logs caps an event at 256 KiB. */
    maxLineBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(256 * 1024),
    /** `ingest-logs` stops reading (and exits 1) past this many bytes of input. */
    maxInputBytes: z.number().int().min(1024).default(1024 * 1024 * 1024),
  })
  .strict();
export type SamplerLogs = z.infer<typeof SamplerLogs>;

export const defaultSamplerLogs: SamplerLogs = SamplerLogs.parse({});

/** The section as both the whole config (schema.ts) and the sampler-logs view (sampler-logs-config.ts) validate it. */
export const samplerLogsSection = { samplerLogs: SamplerLogs.default(defaultSamplerLogs) };
