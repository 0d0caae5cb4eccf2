import * as z from 'zod';
import { defaultMetricNames, RunbookSelectors } from './metric-names.ts';
import type { MetricNames } from './metric-names.ts';
import { promqlString } from '../core/heuristics/promql.ts';

/**
 * How a target authenticates: to the app's /metrics, to Prometheus /federate (often a reverse proxy with basic
 * auth), or to the Prometheus HTTP API.
 * - `bearer`: `Authorization: Bearer <token>` (the target's `token`);
 * - `basic`: `Authorization: Basic` with this `username` and the target's `token` as the password, so the password
 *   is a SecretRef resolved like every other token (env/file locally, Secrets Manager/SSM on AWS);
 * - `sigv4` (`kind: promql` only): AWS Signature V4 for Amazon Managed Service for Prometheus, credentials from the default AWS chain
 *   (environment, profile, IRSA/web identity, container/instance role; the Lambda role's environment on AWS).
 *   No `roleArn`: assuming a role needs STS, which the probe does not bundle; use a profile with `role_arn` or
 *   give the probe's own role `aps:QueryMetrics`.
 * - `none`: no credentials.
 * Absent: `bearer` when a `token` is set, else `none`.
 */
export const PromqlAuth = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }).strict(),
  z.object({ type: z.literal('bearer') }).strict(),
  z.object({ type: z.literal('basic'), username: z.string().min(1).max(256).regex(/^[^:\r\n]*$/, 'no ":" or line breaks') }).strict(),
  z
    .object({
      type: z.literal('sigv4'),
      region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, 'an AWS region such as us-east-1'),
      service: z.string().regex(/^[a-z0-9-]{1,64}$/).default('aps'),
    })
    .strict(),
]);
export type PromqlAuth = z.infer<typeof PromqlAuth>;

/** At most this many queries per target: each is one request per round. */
export const MAX_PROMQL_QUERIES = 64;

/** Instant queries of a `kind: promql` target; absent means {@link defaultPromqlQueries}. */
export const PromqlQueries = z.array(z.string().min(1).max(4096)).min(1).max(MAX_PROMQL_QUERIES);

/** The target fields this file adds, checked by {@link checkPromqlTarget}. */
interface PromqlFields {
  kind: string;
  url: string;
  token?: unknown;
  auth?: PromqlAuth;
  queries?: string[];
  appSeries?: boolean;
}

/** superRefine of Target: the promql-only fields and auth on other kinds, and the token each auth needs. */
export function checkPromqlTarget(t: PromqlFields, ctx: z.RefinementCtx): void {
  const issue = (path: string, message: string): void => ctx.addIssue({ code: 'custom', path: [path], message });
  const type = t.auth?.type;
  if (t.kind !== 'promql') {
    for (const key of ['queries', 'appSeries'] as const) {
      if (t[key] !== undefined) issue(key, 'only for kind: promql');
    }
    if (type === 'sigv4') issue('auth', 'sigv4 only for kind: promql (Amazon Managed Service for Prometheus has no /federate)');
  }
  if ((type === 'basic' || type === 'bearer') && t.token === undefined) issue('token', `auth ${type} needs a token (the ${type === 'basic' ? 'password' : 'bearer token'})`);
  if ((type === 'none' || type === 'sigv4') && t.token !== undefined) issue('token', `auth ${type} sends no token: remove it`);
  // Plain http only to a loopback address (a local SigV4 proxy, tests): the session token travels in a header.
  // No such rule for basic: a bearer token has always been allowed over in-cluster http, and a password is no more secret.
  if (type === 'sigv4' && t.kind === 'promql' && !t.url.startsWith('https:') && !isLoopback(t.url)) issue('url', 'SigV4 needs an https URL (http only to a loopback address)');
}

function isLoopback(url: string): boolean {
  try {
    return ['127.0.0.1', 'localhost', '[::1]'].includes(new URL(url).hostname);
  } catch {
    return false;
  }
}

const regexEsc = (v: string): string => v.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** MetricNames keys of cAdvisor and kube-state-metrics series: what /federate would have carried. */
const CGROUP_KEYS = ['workingSet', 'rss', 'cache', 'cgroupUsage', 'specLimit', 'containerStart'] as const;
const KUBE_KEYS = ['kubeLimit', 'restarts', 'lastTerminatedReason'] as const;
const HISTOGRAM_KEYS = ['admissionQueueTime', 'httpDuration', 'repoQueueTime'] as const;

/**
 * The runbook's series as instant vector selectors, one per cgroup/kube-state name, so each result series is
 * exactly a series /federate would have returned (labels and value), and the heuristics read them unchanged:
 * no aggregation (`max by (pod)` would drop `container`, `image` and `__name__`, which they match on).
 * With `app`, one more selector for the app's own BEAM and codex_pooler_* series (histograms: `_bucket` only,
 * the one series of a histogram the heuristics keep).
 */
export function defaultPromqlQueries(names: MetricNames = defaultMetricNames, selectors: RunbookSelectors = RunbookSelectors.parse({}), opts: { app?: boolean } = {}): string[] {
  const ns = `namespace=${promqlString(selectors.namespace)}`;
  const container = promqlString(selectors.container);
  const queries = [
    ...CGROUP_KEYS.map((k) => `${names[k]}{${ns}, container=${container}, image!=""}`),
    // `exported_container` when kube-state-metrics is scraped without honor_labels (the runbook's), `container` with it.
    ...KUBE_KEYS.map((k) => `${names[k]}{${ns}, exported_container=${container}} or ${names[k]}{${ns}, container=${container}}`),
  ];
  if (opts.app) {
    const infra = new Set<string>([...CGROUP_KEYS, ...KUBE_KEYS]);
    const appNames = (Object.keys(names) as Array<keyof MetricNames>)
      .filter((k) => !infra.has(k))
      .map((k) => ((HISTOGRAM_KEYS as readonly string[]).includes(k) ? `${names[k]}_bucket` : names[k]));
    queries.push(`{__name__=~${promqlString(appNames.map(regexEsc).join('|'))}, ${ns}, job=${promqlString(selectors.job)}}`);
  }
  return queries;
}

/** A promql target with its default queries written out from the config's metric names and selectors. */
export function withPromqlDefaults<T extends PromqlFields>(target: T, names: MetricNames, selectors: RunbookSelectors): T {
  if (target.kind !== 'promql' || target.queries !== undefined) return target;
  return { ...target, queries: defaultPromqlQueries(names, selectors, { app: target.appSeries === true }) };
}
