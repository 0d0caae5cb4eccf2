import { createHash } from 'node:crypto';
import { defaultMetricNames, RunbookSelectors, type MetricNames } from '../../config/metric-names.ts';
import { defaultThresholds, type Thresholds } from '../heuristics/thresholds.ts';
import { truncate } from '../render/truncate.ts';
import type { AlertItem, Link } from '../render/types.ts';
import type { RoutableAlert } from '../routing/grouper-types.ts';
import { INVALID_URL } from '../sanitize/marker.ts';
import type { Sanitizer } from '../sanitize/create-sanitizer.ts';
import type { Severity } from '../types.ts';
import { classifyAlert } from './detect.ts';
import type { AlertmanagerAlert, AlertmanagerPayload } from './payload.ts';
import { signalQuery, SIGNALS } from './signals.ts';

/** The part of the sanitizer enrichment needs (core/sanitize's `createSanitizer` provides it). */
export type AlertmanagerSanitizer = Pick<Sanitizer, 'text' | 'url' | 'labels' | 'annotations'>;

/** Options of {@link enrichPayload}. Everything but `sanitize` has the runbook's defaults. */
export interface EnrichOptions {
  sanitize: AlertmanagerSanitizer;
  links?: {
    /** Base URL of the runtime triage dashboard; `var-pod=<pod>` is added when the alert names a pod. */
    dashboard?: string;
    /** Runbook for Codex Pooler alerts that carry no `runbook_url` annotation. */
    runbook?: string;
  };
  names?: MetricNames;
  selectors?: RunbookSelectors;
  thresholds?: Thresholds;
}

/** One Alertmanager alert, ready for routing (`routable`) and for every channel (`item`). */
export interface EnrichedAlert {
  routable: RoutableAlert;
  item: AlertItem;
}

/** Caps for text we build from sender data (vendor limits are applied later, per channel). */
const MAX = { short: 256, summary: 2_048, label: 1_024 } as const;

const DEFAULT_SELECTORS: RunbookSelectors = RunbookSelectors.parse({});

/** Alertmanager's zero time: an unset `endsAt`. */
const ZERO_TIME = /^0001-01-01T/;

/** `severity` label → ours: critical|warning|info; `error`/`page` page too; unknown ones go to chat. */
export function severityOf(label: string | undefined): Severity {
  switch (label?.trim().toLowerCase()) {
    case 'critical':
    case 'error':
    case 'page':
      return 'critical';
    case 'info':
    case 'none':
      return 'info';
    default:
      return 'warning';
  }
}

/**
 * `am-<Alertmanager fingerprint>`, so it never collides with ours. Alertmanager's are 16 lowercase hex; anything
 * else is hashed, since this identity leaves the system (PagerDuty `dedup_key`) and must not carry sender text.
 */
export function alertFingerprint(fingerprint: string): string {
  if (/^[0-9a-f]{1,64}$/.test(fingerprint)) return `am-${fingerprint}`;
  return `am-h${createHash('sha256').update(fingerprint, 'utf8').digest('hex').slice(0, 24)}`;
}

/** ISO-8601 in our canonical form (milliseconds, `Z`); the input is already validated RFC 3339. */
function iso(ts: string): string {
  const ms = Date.parse(ts);
  return Number.isNaN(ms) ? ts : new Date(ms).toISOString();
}

/** Dashboard link: the base sanitized (scheme, host, path), its own query kept through `text`, plus `var-pod`. */
function dashboardLink(base: string, pod: string | undefined, clean: AlertmanagerSanitizer): Link | undefined {
  const safe = clean.url(base);
  if (safe === INVALID_URL) return undefined;
  let params: URLSearchParams;
  try {
    params = new URL(base).searchParams;
  } catch {
    return undefined;
  }
  if (pod !== undefined) params.set('var-pod', pod);
  const query = clean.text(params.toString());
  return { title: 'Dashboard', url: query === '' ? safe : `${safe}?${query}` };
}

function link(title: string, url: string | undefined, clean: AlertmanagerSanitizer): Link | undefined {
  if (!url) return undefined;
  const safe = clean.url(url);
  return safe === INVALID_URL ? undefined : { title, url: safe };
}

/** What enrichment derives from an alert's labels, annotations and source alone: the same for every repeat of it. */
interface AlertFacts {
  rule: string;
  pod: string;
  target: string;
  severity: Severity;
  summary: string;
  hint: string;
  promql: string;
  title: string;
  evidence: AlertItem['evidence'];
  links: Link[];
  /** Sanitized labels, `status` included as `firing` (swapped per alert). */
  labels: Record<string, string>;
  /**
   * What routes, silences and inhibition match on: every label the alert has (values redacted, names valid), not only
   * the allowlist that may leave the process — kube-prometheus-stack users route on `team`, `env`, `cluster`.
   */
  routeLabels: Record<string, string>;
}

const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function alertFacts(alert: AlertmanagerAlert, payload: Pick<AlertmanagerPayload, 'receiver' | 'commonLabels' | 'commonAnnotations'>, opts: EnrichOptions): AlertFacts {
  const clean = opts.sanitize;
  const names = opts.names ?? defaultMetricNames;
  const selectors = opts.selectors ?? DEFAULT_SELECTORS;
  const raw: Record<string, string> = { ...payload.commonLabels, ...alert.labels };
  const annotations = clean.annotations({ ...payload.commonAnnotations, ...alert.annotations });
  const found = classifyAlert(raw, alert.generatorURL, { names, selectors });
  const codex = found.match !== 'none';

  const alertname = raw.alertname ? truncate(clean.text(raw.alertname), MAX.short) : '';
  const podLabel = raw.pod ? truncate(clean.text(raw.pod), MAX.short) : undefined;
  const pod = podLabel ?? (raw.instance ? truncate(clean.text(raw.instance), MAX.short) : '-');
  const severity = severityOf(raw.severity);
  const rule = found.rule ?? (alertname || 'alertmanager');
  const target = truncate(clean.text(`alertmanager/${payload.receiver}`), MAX.short);
  const summary = truncate(clean.text(annotations.summary || annotations.description || alertname || rule), MAX.summary);
  const signal = found.rule ? SIGNALS[found.rule] : undefined;
  const promql =
    found.rule && codex
      ? clean.text(signalQuery(found.rule, { names, selectors, thresholds: opts.thresholds ?? defaultThresholds }, podLabel))
      : '';

  const links = [
    link('Prometheus', alert.generatorURL, clean),
    link('Runbook', annotations.runbook_url || (codex ? opts.links?.runbook : undefined), clean),
    codex && opts.links?.dashboard ? dashboardLink(opts.links.dashboard, podLabel, clean) : link('Dashboard', annotations.dashboard_url, clean),
  ].filter((l): l is Link => l !== undefined);

  const labels = clean.labels({ ...raw, rule, pod, target, severity, status: 'firing', source: 'alertmanager' });
  return {
    rule,
    pod,
    target,
    severity,
    summary,
    hint: codex && signal ? signal.hint : '',
    promql,
    title: truncate(`${rule} on ${pod}`, MAX.short),
    evidence: annotations.description && annotations.summary ? [{ name: 'description', value: annotations.description }] : [],
    links,
    labels,
    routeLabels: {
      ...Object.fromEntries(Object.entries(raw).flatMap(([k, v]) => (LABEL_NAME.test(k) ? [[k, truncate(clean.text(v), MAX.label)]] : []))),
      ...labels,
    },
  };
}

/** Distinct alerts remembered per {@link EnrichOptions}; Alertmanager re-sends the same groups over and over. */
const FACTS_CACHE_SIZE = 2_000;
const factsCache = new WeakMap<EnrichOptions, Map<string, AlertFacts>>();

/**
 * {@link alertFacts}, memoized per options object: the key is every input it reads, so a hit is exactly what a
 * fresh computation would give. Oldest entries go first once the cache is full.
 */
function cachedFacts(alert: AlertmanagerAlert, payload: Pick<AlertmanagerPayload, 'receiver' | 'commonLabels' | 'commonAnnotations'>, opts: EnrichOptions): AlertFacts {
  let cache = factsCache.get(opts);
  if (!cache) factsCache.set(opts, (cache = new Map()));
  const key = JSON.stringify([payload.receiver, payload.commonLabels, alert.labels, payload.commonAnnotations, alert.annotations, alert.generatorURL]);
  let facts = cache.get(key);
  if (!facts) {
    facts = alertFacts(alert, payload, opts);
    if (cache.size >= FACTS_CACHE_SIZE) cache.delete(cache.keys().next().value as string);
    cache.set(key, facts);
  }
  return facts;
}

/**
 * Turn one Alertmanager alert into what our pipeline carries. Alerts about Codex Pooler get the runbook's hint,
 * the PromQL of their signal (filled with the pod) and the dashboard link; others pass through un-enriched. Every
 * string from the sender goes through the sanitizer; the labels that leave through its allowlist, while routing
 * matches on all of them (values redacted).
 *
 * Firing alerts carry `action: 'remind'` here; planExternalJobs passes each on as a `trigger`, since Alertmanager has
 * already grouped and timed them (PagerDuty and Opsgenie deduplicate a re-sent one by its fingerprint).
 */
export function enrichAlert(alert: AlertmanagerAlert, payload: Pick<AlertmanagerPayload, 'receiver' | 'commonLabels' | 'commonAnnotations'>, opts: EnrichOptions): EnrichedAlert {
  const facts = cachedFacts(alert, payload, opts);
  const status = alert.status;
  // Copies: the cached facts are shared by every repeat of this alert and must never be mutated downstream.
  const labels = 'status' in facts.labels ? { ...facts.labels, status } : { ...facts.labels };
  const routeLabels = { ...facts.routeLabels, status };
  const fingerprint = alertFingerprint(alert.fingerprint);
  const endsAt = status === 'resolved' && !ZERO_TIME.test(alert.endsAt) ? iso(alert.endsAt) : undefined;
  const { severity, rule, pod, target } = facts;
  const item: AlertItem = {
    fingerprint,
    status,
    severity,
    rule,
    pod,
    target,
    source: 'alertmanager',
    title: facts.title,
    summary: facts.summary,
    hint: facts.hint,
    promql: facts.promql,
    evidence: facts.evidence.map((e) => ({ ...e })),
    startsAt: iso(alert.startsAt),
    ...(endsAt === undefined ? {} : { endsAt }),
    links: facts.links.map((l) => ({ ...l })),
    labels,
  };
  return {
    routable: { fingerprint, status, action: status === 'firing' ? 'remind' : 'resolve', severity, labels: routeLabels },
    item,
  };
}

/** Every alert of a webhook, in payload order. Pure: same payload and options, same output. */
export function enrichPayload(payload: AlertmanagerPayload, opts: EnrichOptions): EnrichedAlert[] {
  return payload.alerts.map((alert) => enrichAlert(alert, payload, opts));
}
