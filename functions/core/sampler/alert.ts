import { fingerprint } from '../alerts/fingerprint.ts';
import { humanizeEvidence } from '../render/humanize.ts';
import type { RenderLinks, RenderSanitizer } from '../render/render.ts';
import type { AlertItem } from '../render/types.ts';
import type { RoutableAlert } from '../routing/index.ts';
import type { SamplerFinding } from './findings.ts';

/** An external batch as `acceptExternal` (runtime/plan-jobs.ts) routes it. */
export interface SamplerBatch {
  key: string;
  alerts: Array<{ routable: RoutableAlert; item: AlertItem }>;
}

/**
 * The idempotency key of a finding: rule, pod and window. Its batch is accepted once (the ledger marks the key),
 * and its notification id derives from the same parts, so re-ingesting a file never notifies twice.
 */
export function samplerBatchKey(f: Pick<SamplerFinding, 'rule' | 'pod' | 'windowStart'>): string {
  return `sampler:${f.rule}:${f.pod}:${new Date(f.windowStart).toISOString()}`;
}

/**
 * A sampler finding as one routable alert, rendered and sanitized once, like a probe alert. Sampler findings are
 * events: they fire and are not resolved (the sampler logs nothing when pressure ends). `startsAt` is the window's
 * start, so every re-ingest renders the same notification id; the snapshot's own time is in the evidence.
 * Labels are `rule`, `pod`, `target`, `severity`, `status`, `source` (`sampler-logs`): route with
 * `source="sampler-logs"` or the rule names.
 */
export function samplerBatch(f: SamplerFinding, opts: { links: RenderLinks; sanitize: RenderSanitizer }): SamplerBatch {
  const clean = opts.sanitize;
  const fp = fingerprint(f.rule, f.pod, f.target);
  const labels = clean.labels({ rule: f.rule, pod: f.pod, target: f.target, severity: f.severity, status: 'firing', source: 'sampler-logs' });
  const links = [
    ...(opts.links.runbook ? [{ title: 'Runbook', url: clean.url(opts.links.runbook) }] : []),
    ...(opts.links.dashboard ? [{ title: 'Dashboard', url: clean.url(opts.links.dashboard) }] : []),
  ];
  const item: AlertItem = {
    fingerprint: fp,
    status: 'firing',
    severity: f.severity,
    rule: f.rule,
    pod: clean.text(f.pod),
    target: clean.text(f.target),
    source: 'sampler-logs',
    title: clean.text(`${f.rule} on ${f.pod}`),
    summary: clean.text(f.summary),
    hint: clean.text(f.hint),
    promql: clean.text(f.promql),
    evidence: humanizeEvidence(f.evidence).map((e) => ({ name: clean.text(e.name), value: clean.text(e.value) })),
    startsAt: new Date(f.windowStart).toISOString(),
    links,
    labels,
  };
  return { key: samplerBatchKey(f), alerts: [{ routable: { fingerprint: fp, status: 'firing', action: 'trigger', severity: f.severity, labels: { ...labels } }, item }] };
}
