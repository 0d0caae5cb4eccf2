import * as z from 'zod';

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/**
 * A duration in config: milliseconds as a number, or `500ms`, `30s`, `5m`, `4h`, `1d`. Its own module, with no
 * imports of ours, so both config/schema.ts and core/routing can use it without an ES module cycle.
 */
export const Duration = z.union([
  z.number().int().nonnegative(),
  z
    .string()
    .regex(/^\d+(ms|s|m|h|d)$/, 'expected a duration like 500ms, 30s, 5m, 1h or 1d')
    .transform((s) => {
      const m = /^(\d+)(ms|s|m|h|d)$/.exec(s)!;
      return Number(m[1]) * UNIT_MS[m[2] as keyof typeof UNIT_MS];
    }),
]);

/** A duration that must be above zero (Alertmanager rejects a zero group_interval or repeat_interval). */
export const PositiveDuration = Duration.refine((ms) => ms > 0, 'must be greater than 0');
