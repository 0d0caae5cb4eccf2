import { z } from 'zod';
import { MetricNames, RunbookSelectors } from './metric-names.ts';
import { Duration } from './duration.ts';

export { Duration } from './duration.ts';

/** Where a secret comes from. Only the reference lives in config; the value is resolved at start-up. */
export const SecretRef = z.union([
  z.object({ env: z.string().min(1) }).strict(),
  z.object({ file: z.string().min(1) }).strict(),
]);
export type SecretRef = z.infer<typeof SecretRef>;

export const Target = z
  .object({
    /** For `kind: metrics` the name stands for the pod (the app's series carry no pod label). */
    name: z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits, . _ : - only'),
    kind: z.enum(['metrics', 'federate']).default('metrics'),
    url: z.url({ protocol: /^https?$/ }),
    /** `match[]` selectors for `kind: federate`. */
    match: z
      .array(z.string().min(1))
      .default(['{namespace="codex-pooler"}']),
    token: SecretRef.optional(),
    connectTimeout: Duration.default(2_000),
    timeout: Duration.default(10_000),
    maxBytes: z.number().int().positive().default(32 * 1024 * 1024),
    /** Off by default: a redirect could carry the bearer token to another host. */
    followRedirects: z.boolean().default(false),
  })
  .strict();
export type Target = z.infer<typeof Target>;

export const AlertPolicy = z
  .object({
    /** Evaluations a rule must be active before it fires (pending until then). */
    forEvaluations: z.number().int().min(1).default(2),
    /** And at least this long since it first became active. */
    for: Duration.default(0),
    /** Consecutive inactive evaluations before a firing alert resolves (hysteresis). */
    resolveAfterEvaluations: z.number().int().min(1).default(3),
    /** Reminder interval while an alert keeps firing. */
    repeatInterval: Duration.default(4 * 3_600_000),
  })
  .strict();
export type AlertPolicy = z.infer<typeof AlertPolicy>;

export const Config = z
  .object({
    targets: z.array(Target).min(1),
    interval: Duration.default(30_000),
    alerting: AlertPolicy.default(AlertPolicy.parse({})),
    metricNames: MetricNames.default(MetricNames.parse({})),
    selectors: RunbookSelectors.default(RunbookSelectors.parse({})),
    /** Heuristic thresholds; see functions/core/heuristics/thresholds.ts for every key and its default. */
    thresholds: z.record(z.string(), z.number()).default({}),
    state: z
      .object({ dir: z.string().default('.pooler-watch') })
      .strict()
      .default({ dir: '.pooler-watch' }),
  })
  .strict();
export type Config = z.infer<typeof Config>;
