import * as z from 'zod';
import { ReceiverName, RoutingConfig, receiverNames } from '../core/routing/index.ts';
import type { Receiver } from './alerting.ts';
import { BuiltinChecks } from './builtin-checks.ts';
import { HttpChecks } from './checks.ts';
import { Duration } from './duration.ts';
import { MetricNames, RunbookSelectors, defaultMetricNames } from './metric-names.ts';
import { checkPromqlTarget, PromqlAuth, PromqlQueries, withPromqlDefaults } from './promql-source.ts';
import { SecretRef } from './secret-ref.ts';
import { ResourceName } from './name.ts';

/*
 * The config sections the probe reads, shared by the whole config (schema.ts) and every Lambda's view of it
 * (config-view.ts). Nothing here imports a channel's config schema: the views' bundles build these and no more.
 */

export const Target = z
  .object({
    /** For `kind: metrics` the name stands for the pod (the app's series carry no pod label). */
    name: ResourceName,
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
    /** Off by default: a redirect could carry the credentials to another host. */
    followRedirects: z.boolean().default(false),
    /** Credentials, every kind (sigv4: promql only); absent: bearer with `token`, else none (config/promql-source.ts). */
    auth: PromqlAuth.optional(),
    /** `kind: promql` only: instant queries, app series too. */
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

export const Links = z
  .object({
    runbook: z.url().optional(),
    dashboard: z.url().optional(),
  })
  .strict();

/** The fields of a receiver that routing reads: every config validates them, the probe no more. */
export const receiverRouteFields = {
  name: ReceiverName,
  sendResolved: z.boolean().default(true),
};

/** The sections the probe reads, besides `receivers`: both config schemas validate them in full. */
export const probeSections = {
  /** What the probe scrapes; may be empty when pooler-watch only receives Alertmanager webhooks. */
  targets: z.array(Target).default([]),
  /** Synthetic HTTP checks run every round beside the scrape (functions/config/checks.ts). */
  checks: HttpChecks.default([]),
  interval: Duration.default(30_000),
  alerting: AlertPolicy.default(AlertPolicy.parse({})),
  /** Built-in Codex Pooler checks: expected families, metrics auth, scrape cost trends (config/builtin-checks.ts). */
  builtinChecks: BuiltinChecks.default(BuiltinChecks.parse({})),
  metricNames: MetricNames.default(defaultMetricNames),
  selectors: RunbookSelectors.default(RunbookSelectors.parse({})),
  /** Heuristic thresholds; see functions/core/heuristics/thresholds.ts for every key and its default. */
  thresholds: z.record(z.string(), z.number()).default({}),
  state: z
    .object({ dir: z.string().default('.pooler-watch') })
    .strict()
    .default({ dir: '.pooler-watch' }),
  /** Alertmanager-style route tree, inhibit rules and silences. Default: every alert to every receiver. */
  routing: RoutingConfig.optional(),
  /** Runbook and dashboard links shown with every alert. */
  links: Links.default({}),
};

/** The local runtime's receivers when none are configured: the console and `.pooler-watch/notifications.jsonl`. */
export function defaultReceivers(stateDir: string): Receiver[] {
  return [
    { name: 'console', sendResolved: true, channel: { type: 'console' } },
    { name: 'notifications-file', sendResolved: true, channel: { type: 'jsonl', path: `${stateDir}/notifications.jsonl` } },
  ];
}

/** With the default receivers, every alert goes to both. */
export function defaultRouting(receivers: ReadonlyArray<{ name: string }>): RoutingConfig {
  const names = receivers.map((r) => r.name);
  return RoutingConfig.parse({
    route: {
      receiver: names[0],
      routes: names.map((receiver, i) => ({ receiver, continue: i < names.length - 1 })),
    },
  });
}

/** Every receiver a route or fallback names must be defined; returns the problems as `path: reason` issues. */
export function checkReceivers(receivers: ReadonlyArray<{ name: string }>, routing: RoutingConfig): z.core.$ZodRawIssue[] {
  const defined = new Set(receivers.map((r) => r.name));
  const issues: z.core.$ZodRawIssue[] = [];
  receivers.forEach((r, i) => {
    if (receivers.findIndex((o) => o.name === r.name) !== i) issues.push({ code: 'custom', path: ['receivers', i, 'name'], message: `duplicate receiver "${r.name}"`, input: r.name });
  });
  for (const name of receiverNames(routing)) {
    if (!defined.has(name)) issues.push({ code: 'custom', path: ['routing', 'route'], message: `receiver "${name}" is not defined in receivers`, input: name });
  }
  return issues;
}

/** What {@link completeSections} reads of a parsed config. */
interface ParsedSections<R> {
  targets: Target[];
  checks: Array<{ name: string }>;
  receiver?: unknown;
  receivers: R[];
  routing?: RoutingConfig | undefined;
  state: { dir: string };
  metricNames: MetricNames;
  selectors: RunbookSelectors;
}

/**
 * The cross-section part of both config schemas' transforms: receivers and routing filled with the local defaults
 * and cross-checked, at least something to do, and promql targets' default queries written out.
 */
export function completeSections<R extends { name: string }>(c: ParsedSections<R>, ctx: z.core.$RefinementCtx, defaults: (stateDir: string) => R[]) {
  const receivers = c.receivers.length > 0 ? c.receivers : defaults(c.state.dir);
  const routing = c.routing ?? defaultRouting(receivers);
  for (const issue of checkReceivers(receivers, routing)) ctx.issues.push(issue);
  if (c.targets.length === 0 && c.checks.length === 0 && !c.receiver) {
    ctx.issues.push({ code: 'custom', path: ['targets'], message: 'configure at least one target, a check, or the receiver', input: c.targets });
  }
  // A check's alerts are keyed by its name as a metrics target's are by its: sharing one would mix their alerts.
  const targetNames = new Set(c.targets.map((t) => t.name));
  c.checks.forEach((check, i) => {
    if (targetNames.has(check.name)) {
      ctx.issues.push({ code: 'custom', path: ['checks', i, 'name'], message: 'a target has this name too: give the check its own', input: check.name });
    }
  });
  const targets = c.targets.map((t) => withPromqlDefaults(t, c.metricNames, c.selectors));
  return { targets, receivers, routing };
}
