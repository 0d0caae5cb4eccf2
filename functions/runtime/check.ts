import type { Config } from '../config/schema.ts';
import type { MetricNames } from '../config/metric-names.ts';
import type { Finding, Snapshot } from '../core/types.ts';
import { podsOf } from '../core/watcher.ts';
import { buildWatcher, resolveTargets } from './build-watcher.ts';
import { probeRound } from './probe-round.ts';
import type { CheckResults } from './check-runner.ts';
import { formatFinding } from './format.ts';
import { createCheckRunners } from './check-runners.ts';
import { memoSecretResolver } from './http-checks.ts';
import { fmtMiB } from '../core/heuristics/common.ts';

/** Exit codes follow the monitoring-plugin convention, so `check` drops into cron, CI or a Nagios-style runner. */
export const CHECK_EXIT = { ok: 0, warning: 1, critical: 2, unknown: 3 } as const;

export interface CheckReport {
  targets: Array<{ target: string; ok: boolean; status?: number; durationMs: number; bytes: number; reason?: string }>;
  /** Synthetic HTTP checks: passed (ok or degraded), latency and certificate days left. */
  checks: Array<{ check: string; ok: boolean; latencyMs?: number; certificateDaysLeft?: number }>;
  pods: Record<string, Record<string, number>>;
  findings: Finding[];
  exitCode: number;
}

/** One scrape and one evaluation of every configured target. */
export async function check(config: Config, env?: NodeJS.ProcessEnv, now: () => number = Date.now): Promise<CheckReport> {
  const targets = await resolveTargets(config, env);
  const watcher = buildWatcher(config);
  const runners = await createCheckRunners(config, targets, { resolveSecret: memoSecretResolver(env ?? process.env), preflight: true });
  const result = await probeRound(targets, watcher, now, undefined, runners);
  const pods: CheckReport['pods'] = {};
  for (const scrape of result.scrapes) if (scrape.ok) Object.assign(pods, vitals(scrape.snapshot, config.metricNames));
  const findings = result.findings;
  const worst = findings.some((f) => f.severity === 'critical') ? 'critical' : findings.some((f) => f.severity === 'warning') ? 'warning' : 'ok';
  return {
    targets: result.scrapes.map((s) =>
      s.ok
        ? { target: s.snapshot.target, ok: true, status: s.status, durationMs: s.durationMs, bytes: s.bytes }
        : { target: s.finding.target, ok: false, status: s.status, durationMs: s.durationMs, bytes: s.bytes, reason: s.reason },
    ),
    checks: config.checks.map((c) => checkSummary(c.name, result.checks.metrics)),
    pods,
    findings,
    exitCode: CHECK_EXIT[worst],
  };
}

function checkSummary(name: string, metrics: CheckResults['metrics']): CheckReport['checks'][number] {
  const value = (metric: string) => metrics.find((m) => m.check === name && m.name === metric)?.value;
  const latencyMs = value('CheckLatency');
  const certificateDaysLeft = value('CertificateDaysLeft');
  return { check: name, ok: value('CheckSuccess') === 1, ...(latencyMs === undefined ? {} : { latencyMs }), ...(certificateDaysLeft === undefined ? {} : { certificateDaysLeft }) };
}

const VITALS: Array<[string, keyof MetricNames, Record<string, string>?]> = [
  ['workingSetBytes', 'workingSet', { container: 'app' }],
  ['rssBytes', 'rss', { container: 'app' }],
  ['cacheBytes', 'cache', { container: 'app' }],
  ['limitBytes', 'specLimit', { container: 'app' }],
  ['beamTotalBytes', 'beamTotal'],
  ['beamBinaryBytes', 'beamBinary'],
  ['beamProcessesBytes', 'beamProcesses'],
  ['beamEtsBytes', 'beamEts'],
  ['processCount', 'processCount'],
  ['portCount', 'portCount'],
  ['runQueue', 'runQueueTotal'],
];

/** The few numbers an operator looks at first, per pod, straight from the scrape (one pass over the samples). */
export function vitals(snapshot: Snapshot, names: MetricNames): Record<string, Record<string, number>> {
  const wanted = new Map(VITALS.map(([key, metric, match]) => [names[metric], { key, match }] as const));
  const out: Record<string, Record<string, number>> = {};
  for (const pod of podsOf(snapshot)) out[pod] = {};
  for (const family of snapshot.families) {
    for (const sample of family.samples) {
      const want = wanted.get(sample.name);
      if (!want || !Number.isFinite(sample.value)) continue;
      if (want.match && snapshot.kind === 'federate' && !Object.entries(want.match).every(([k, v]) => sample.labels[k] === v)) continue;
      const pod = snapshot.kind === 'metrics' ? snapshot.target : sample.labels.pod;
      const row = pod === undefined ? undefined : out[pod];
      if (row && row[want.key] === undefined) row[want.key] = sample.value;
    }
  }
  return out;
}


export function renderCheck(report: CheckReport): string {
  const lines: string[] = [];
  for (const t of report.targets) {
    lines.push(t.ok
      ? `target ${t.target}: HTTP ${t.status}, ${(t.bytes / 1024).toFixed(1)} KiB in ${t.durationMs} ms`
      : `target ${t.target}: FAILED (${t.reason}${t.status ? `, HTTP ${t.status}` : ''}) after ${t.durationMs} ms`);
  }
  for (const c of report.checks) {
    const cert = c.certificateDaysLeft === undefined ? '' : `, certificate ${c.certificateDaysLeft.toFixed(1)} days left`;
    lines.push(`check ${c.check}: ${c.ok ? 'passed' : 'FAILED'} in ${c.latencyMs ?? 0} ms${cert}`);
  }
  for (const [pod, v] of Object.entries(report.pods)) {
    const parts: string[] = [];
    if (v.workingSetBytes !== undefined) {
      const ratio = v.limitBytes ? ` of ${fmtMiB(v.limitBytes)} (${((v.workingSetBytes / v.limitBytes) * 100).toFixed(0)}%)` : '';
      parts.push(`working set ${fmtMiB(v.workingSetBytes)}${ratio}`);
    }
    if (v.rssBytes !== undefined) parts.push(`RSS ${fmtMiB(v.rssBytes)}`);
    if (v.cacheBytes !== undefined) parts.push(`cache ${fmtMiB(v.cacheBytes)}`);
    if (v.beamTotalBytes !== undefined) parts.push(`BEAM ${fmtMiB(v.beamTotalBytes)}`);
    if (v.beamBinaryBytes !== undefined) parts.push(`binary ${fmtMiB(v.beamBinaryBytes)}`);
    if (v.processCount !== undefined) parts.push(`${v.processCount} processes`);
    if (v.portCount !== undefined) parts.push(`${v.portCount} ports`);
    if (v.runQueue !== undefined) parts.push(`run queue ${v.runQueue}`);
    lines.push(`  ${pod}: ${parts.join(', ') || 'no known series'}`);
  }
  if (report.findings.length === 0) lines.push('no findings. Trend rules (growth, time to OOM, restarts) need a history: use `pooler-watch run`.');
  else for (const f of report.findings) lines.push(formatFinding(f));
  return lines.join('\n') + '\n';
}
