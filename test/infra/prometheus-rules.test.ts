import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { defaultMetricNames } from '../../functions/config/metric-names.ts';
import { RULE_IDS as ALL_RULE_IDS } from '../../functions/core/alertmanager/rules.ts';
import { HINTS } from '../../functions/core/heuristics/hints.ts';
import { defaultThresholds as t } from '../../functions/core/heuristics/thresholds.ts';
import { buildPrometheusRule, PROMETHEUS_RULE_PATH, RULES_PATH } from '../../infra/prometheus/generate-prometheusrule.ts';

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
}
interface RulesFile {
  groups: { name: string; rules: AlertRule[] }[];
}

const rulesText = readFileSync(RULES_PATH, 'utf8');
const rules = (parse(rulesText) as RulesFile).groups.flatMap((g) => g.rules);

/**
 * pooler-watch's rule ids without a Prometheus counterpart, and why. Every other id in RULE_IDS must have one, so a
 * new heuristic either ships its Prometheus rule or says here why it cannot.
 */
const WITHOUT_PROMETHEUS_RULE: Record<string, string> = {
  'ets-growth': "a BEAM area trend: in Prometheus it is a panel of the runbook's memory group on the dashboard, not a rule",
  'process-heap-growth': 'as ets-growth',
  'db-unknown-source': 'about the app\'s own labelling (a query source it does not name), not a runtime signal',
  'sampler-snapshot': 'info only: points operators at the sampler logs, nothing to alert on in Prometheus',
  'scrape-failed': "Prometheus has its own up == 0 and scrape-failure alerts (kube-prometheus-stack's TargetDown)",
};
const RULE_IDS = ALL_RULE_IDS.filter((id) => !(id in WITHOUT_PROMETHEUS_RULE));

function find(alert: string, severity: string): AlertRule {
  const rule = rules.find((r) => r.alert === alert && r.labels.severity === severity);
  if (!rule) throw new Error(`no ${severity} ${alert}`);
  return rule;
}

describe('codex-pooler-rules.yaml', () => {
  it('the committed PrometheusRule is generated from the rules file (npx tsx infra/prometheus/generate-prometheusrule.ts)', () => {
    expect(readFileSync(PROMETHEUS_RULE_PATH, 'utf8')).toBe(buildPrometheusRule(rulesText));
  });

  it('the PrometheusRule carries the kube-prometheus-stack release label and the same groups', () => {
    const resource = parse(readFileSync(PROMETHEUS_RULE_PATH, 'utf8')) as { apiVersion: string; kind: string; metadata: { labels: Record<string, string> }; spec: RulesFile };
    expect(resource.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(resource.kind).toBe('PrometheusRule');
    expect(resource.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(resource.spec).toEqual(parse(rulesText));
  });

  it('the exclusions name real rule ids', () => {
    for (const id of Object.keys(WITHOUT_PROMETHEUS_RULE)) expect(ALL_RULE_IDS).toContain(id);
  });

  it('implements every pooler-watch rule id it claims', () => {
    expect(new Set(rules.map((r) => r.labels.rule))).toEqual(new Set(RULE_IDS));
  });

  it.each(rules.map((r) => [`${r.alert} (${r.labels.severity})`, r] as const))('%s has the label and annotation contract', (_name, rule) => {
    expect(rule.alert).toMatch(/^CodexPooler[A-Z][A-Za-z0-9]*$/);
    expect(['critical', 'warning', 'info']).toContain(rule.labels.severity);
    expect(RULE_IDS).toContain(rule.labels.rule);
    expect(rule.labels.service).toBe('codex-pooler');
    for (const key of ['summary', 'description', 'runbook_url', 'hint']) expect(rule.annotations[key], key).toBeTruthy();
    expect(rule.annotations.description).toMatch(/\{\{ \$value \| (humanize|humanize1024|humanizePercentage|humanizeDuration|printf "%\.[01]f") \}\}/);
    expect(rule.annotations.runbook_url).toMatch(/^https:\/\/.+\/operators\/monitoring#/);
    expect(Object.values(HINTS)).toContain(rule.annotations.hint);
    expect(rule.expr).toContain('namespace="codex-pooler"');
    // Direct kube-prometheus-stack scrape labels, not the federated `exported_container`.
    expect(rule.expr).not.toContain('exported_container');
  });

  it('uses the runbook selectors for each source', () => {
    for (const rule of rules) {
      if (/container_memory_|kube_pod_container_/.test(rule.expr)) expect(rule.expr, rule.alert).toContain('container="app"');
      if (/container_memory_/.test(rule.expr)) expect(rule.expr, rule.alert).toContain('image!=""');
      if (/vm_|codex_pooler_/.test(rule.expr)) expect(rule.expr, rule.alert).toContain('job="codex-pooler-app"');
    }
  });

  it("reads only metric names pooler-watch knows (metric-names.ts)", () => {
    const known = new Set<string>(Object.values(defaultMetricNames));
    const histograms = [defaultMetricNames.admissionQueueTime, defaultMetricNames.httpDuration, defaultMetricNames.repoQueueTime, defaultMetricNames.repoQueryTime];
    for (const h of histograms) known.add(`${h}_bucket`);
    for (const rule of rules) {
      const names = rule.expr.match(/\b(?:container|kube|vm|codex_pooler)_[a-z0-9_]+(?=\s*[{[(])/g) ?? [];
      for (const name of names) expect(known, `${rule.alert}: ${name}`).toContain(name);
    }
  });

  it('uses the same levels as pooler-watch (thresholds.ts)', () => {
    const expectations: [AlertRule, string[]][] = [
      [find('CodexPoolerMemoryPressure', 'critical'), [`>= ${t.memoryCritRatio}`, `>= ${t.memoryWarnRatio}`]],
      [find('CodexPoolerMemoryPressure', 'warning'), [`>= ${t.memoryWarnRatio}`]],
      [find('CodexPoolerWorkingSetPageCacheHeavy', 'info'), [`>= ${t.memoryWarnRatio}`, `< ${t.memoryWarnRatio}`]],
      [find('CodexPoolerTimeToOOM', 'critical'), [`[${t.ttoRangeMinutes}m], ${t.ttoCritMinutes} * 60)`, `>= ${t.ttoLevelRatio}`]],
      [find('CodexPoolerTimeToOOM', 'warning'), [`[${t.ttoRangeMinutes}m], ${t.ttoWarnMinutes} * 60)`, `>= ${t.ttoLevelRatio}`]],
      [find('CodexPoolerBinaryMemoryGrowth', 'warning'), [`[${t.growthRangeMinutes}m]`, `>= ${t.binarySlopeMiBPerMin}\n`, `>= ${t.cgroupClimbMiBPerMin}\n`, `offset ${t.growthMinSpanMinutes}m`]],
      [find('CodexPoolerNonBeamMemoryGrowth', 'warning'), [`[${t.growthRangeMinutes}m:1m]`, `>= ${t.nonBeamSlopeMiBPerMin}\n`, `>= ${t.nonBeamMinGapMiB} * 1048576`, `<= ${t.beamFlatMiBPerMin}\n`]],
      [find('CodexPoolerProcessCountClimb', 'warning'), [`>= ${t.processClimbPerMin}\n`]],
      [find('CodexPoolerProcessLimitHeadroom', 'warning'), [`>= ${t.headroomWarnRatio}\n`]],
      [find('CodexPoolerProcessLimitHeadroom', 'critical'), [`>= ${t.headroomCritRatio}\n`]],
      [find('CodexPoolerPortCountClimb', 'warning'), [`>= ${t.portClimbPerMin}\n`]],
      [find('CodexPoolerPortLimitHeadroom', 'warning'), [`>= ${t.headroomWarnRatio}\n`]],
      [find('CodexPoolerPortLimitHeadroom', 'critical'), [`>= ${t.headroomCritRatio}\n`]],
      [find('CodexPoolerRunQueueClimb', 'warning'), [`>= ${t.runQueueClimbPerMin}\n`, `>= ${t.runQueueMinLevel}\n`]],
      [find('CodexPoolerAtomTableFilling', 'warning'), [`>= ${t.atomWarnRatio}\n`]],
      [find('CodexPoolerAtomTableFilling', 'critical'), [`>= ${t.atomCritRatio}\n`]],
      [find('CodexPoolerRestarts', 'warning'), [`[${t.restartWindowMinutes}m]`, '>= 1\n']],
      [find('CodexPoolerRestarts', 'critical'), [`[${t.restartWindowMinutes}m]`, `>= ${t.restartCritCount}\n`]],
      [find('CodexPoolerOOMKilled', 'critical'), [`[${t.restartWindowMinutes}m]`, 'reason="OOMKilled"']],
      [find('CodexPoolerStreamBufferOversized', 'warning'), [`[${t.rateWindowMinutes}m]`, `> ${t.streamBufferMinRate}\n`]],
      [find('CodexPoolerStreamBufferTruncated', 'warning'), [`[${t.rateWindowMinutes}m]`, `> ${t.streamBufferMinRate}\n`]],
      [find('CodexPoolerAdmissionRejections', 'warning'), [`[${t.rateWindowMinutes}m]`, `> ${t.admissionRejectMinRate}\n`]],
      [find('CodexPoolerAdmissionTimeouts', 'warning'), [`[${t.rateWindowMinutes}m]`, `> ${t.admissionRejectMinRate}\n`]],
      [find('CodexPoolerAdmissionQueueTimeP95', 'warning'), [`[${t.rateWindowMinutes}m]`, `>= ${t.admissionQueueP95Seconds}\n`]],
      [find('CodexPoolerHTTP5xxRatio', 'warning'), [`[${t.rateWindowMinutes}m]`, `>= ${t.http5xxRatio}\n`, `>= ${t.httpMinRequestsPerSec}\n`]],
      [find('CodexPoolerHTTPLatencyP95', 'warning'), [`[${t.rateWindowMinutes}m]`, `>= ${t.httpLatencyP95Seconds}\n`]],
      [find('CodexPoolerDBQueueTimeP95', 'warning'), [`[${t.rateWindowMinutes}m]`, `>= ${t.dbQueueP95Seconds}\n`]],
    ];
    expect(expectations).toHaveLength(rules.length);
    for (const [rule, parts] of expectations) for (const part of parts) expect(rule.expr, `${rule.alert} ${rule.labels.severity}`).toContain(part);
  });

  it("keeps the runbook's query shapes", () => {
    const expr = (alert: string, severity = 'warning') => find(alert, severity).expr.replace(/\s+/g, ' ');
    expect(expr('CodexPoolerNonBeamMemoryGrowth')).toContain('clamp_min( max by (pod) ( container_memory_rss{');
    expect(expr('CodexPoolerNonBeamMemoryGrowth')).toContain(') - on (pod) max by (pod) ( vm_memory_total_bytes{namespace="codex-pooler", job="codex-pooler-app"} ), 0 )');
    expect(expr('CodexPoolerRestarts')).toContain('increase(kube_pod_container_status_restarts_total{ namespace="codex-pooler", container="app" }[15m])');
    expect(expr('CodexPoolerOOMKilled', 'critical')).toContain('kube_pod_container_status_last_terminated_reason{namespace="codex-pooler", container="app", reason="OOMKilled"}');
    expect(expr('CodexPoolerTimeToOOM')).toContain('predict_linear(container_memory_rss{namespace="codex-pooler", container="app", image!=""}[30m], 60 * 60)');
    expect(expr('CodexPoolerBinaryMemoryGrowth')).toContain('deriv(vm_memory_binary_bytes{namespace="codex-pooler", job="codex-pooler-app"}[30m])');
    expect(expr('CodexPoolerAdmissionQueueTimeP95')).toContain(
      'histogram_quantile(0.95, sum by (le, route_class, transport) ( rate(codex_pooler_gateway_admission_dequeued_time_seconds_bucket{ namespace="codex-pooler", job="codex-pooler-app" }[5m]) ) )',
    );
    expect(expr('CodexPoolerDBQueueTimeP95')).toContain(
      'histogram_quantile(0.95, sum by (le, pod) ( rate(codex_pooler_repo_query_queue_time_seconds_bucket{ namespace="codex-pooler", job="codex-pooler-app" }[5m]) ) )',
    );
  });

  it('has a promtool unit test for every alert', () => {
    const tests = readFileSync(RULES_PATH.replace(/\.yaml$/, '.test.yaml'), 'utf8');
    for (const alert of new Set(rules.map((r) => r.alert))) expect(tests, alert).toMatch(new RegExp(`alertname: ${alert}\\n\\s+exp_alerts:\\n\\s+- exp_labels`));
  });
});
