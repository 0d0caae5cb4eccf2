import { z } from 'zod';
import { MetricNames, RunbookSelectors } from './metric-names.ts';
import { Duration } from './duration.ts';
import { SecretRef } from './secret-ref.ts';
import { DeliveryConfig, Links, Receiver, checkReceivers, defaultReceivers, defaultRouting } from './alerting.ts';
import { RoutingConfig } from '../core/routing/index.ts';
import { ReceiverConfig } from './receiver.ts';
import { SamplerLogs } from './sampler.ts';
import { BuiltinChecks } from './builtin-checks.ts';
import { HttpChecks } from './checks.ts';
import { checkPromqlTarget, PromqlAuth, PromqlQueries, withPromqlDefaults } from './promql-source.ts';

export { Duration } from './duration.ts';

export { SecretRef } from './secret-ref.ts';

export const Target = z
  .object({
    /** For `kind: metrics` the name stands for the pod (the app's series carry no pod label). */
    name: z.string().min(1).max(128).regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'letters, digits, . _ : - only'),
    /** metrics: the app's /metrics; federate: Prometheus /federate; promql: instant queries to a Prometheus API. */
    kind: z.enum(['metrics', 'federate', 'promql']).default('metrics'),
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
    /** `kind: promql` only (functions/config/promql-source.ts): credentials, instant queries, app series too. */
    auth: PromqlAuth.optional(),
    queries: PromqlQueries.optional(),
    appSeries: z.boolean().optional(),
  })
  .strict()
  .superRefine(checkPromqlTarget);
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

const ConfigShape = z
  .object({
    /** What the probe scrapes; may be empty when pooler-watch only receives Alertmanager webhooks. */
    targets: z.array(Target).default([]),
    /** Serve the Alertmanager webhook receiver (`POST /alertmanager`, `GET /healthz`) beside the probe loop. */
    receiver: ReceiverConfig.optional(),
    /** Synthetic HTTP checks run every round beside the scrape (functions/config/checks.ts). */
    checks: HttpChecks.default([]),
    interval: Duration.default(30_000),
    alerting: AlertPolicy.default(AlertPolicy.parse({})),
    /** Built-in Codex Pooler checks: expected families, metrics auth, scrape cost trends (config/builtin-checks.ts). */
    builtinChecks: BuiltinChecks.default(BuiltinChecks.parse({})),
    metricNames: MetricNames.default(MetricNames.parse({})),
    selectors: RunbookSelectors.default(RunbookSelectors.parse({})),
    /** Heuristic thresholds; see functions/core/heuristics/thresholds.ts for every key and its default. */
    thresholds: z.record(z.string(), z.number()).default({}),
    state: z
      .object({ dir: z.string().default('.pooler-watch') })
      .strict()
      .default({ dir: '.pooler-watch' }),
    /** Where notifications go. None configured: the console and `<state.dir>/notifications.jsonl`. */
    receivers: z.array(Receiver).default([]),
    /** Alertmanager-style route tree, inhibit rules and silences. Default: every alert to every receiver. */
    routing: RoutingConfig.optional(),
    /** Runbook and dashboard links shown with every alert. */
    links: Links.default({}),
    delivery: DeliveryConfig.default(DeliveryConfig.parse({})),
    samplerLogs: SamplerLogs.default(SamplerLogs.parse({})),
  })
  .strict();

/** The whole config; receivers and routing are filled with the local defaults and cross-checked. */
export const Config = ConfigShape.transform((c, ctx) => {
  const receivers = c.receivers.length > 0 ? c.receivers : defaultReceivers(c.state.dir);
  const routing = c.routing ?? defaultRouting(receivers);
  for (const issue of checkReceivers(receivers, routing)) ctx.issues.push(issue);
  if (c.targets.length === 0 && c.checks.length === 0 && !c.receiver) {
    ctx.issues.push({ code: 'custom', path: ['targets'], message: 'configure at least one target, a check, or the receiver', input: c.targets });
  }
  const targets = c.targets.map((t) => withPromqlDefaults(t, c.metricNames, c.selectors));
  return { ...c, targets, receivers, routing };
});
export type Config = z.infer<typeof Config>;
