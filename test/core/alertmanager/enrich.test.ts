import { describe, expect, it } from 'vitest';
import { alertExpression, classifyAlert } from '../../../functions/core/alertmanager/detect.ts';
import { alertFingerprint, enrichPayload, severityOf, type EnrichOptions } from '../../../functions/core/alertmanager/enrich.ts';
import { parseAlertmanagerPayload, type AlertmanagerPayload } from '../../../functions/core/alertmanager/payload.ts';
import { RULE_IDS, ruleForAlertname } from '../../../functions/core/alertmanager/rules.ts';
import { signalQuery, SIGNALS } from '../../../functions/core/alertmanager/signals.ts';
import { defaultMetricNames, RunbookSelectors } from '../../../functions/config/metric-names.ts';
import { HINTS } from '../../../functions/core/heuristics/hints.ts';
import { defaultThresholds } from '../../../functions/core/heuristics/thresholds.ts';
import { createSanitizer } from '../../../functions/core/sanitize/index.ts';
import { fixture, type FixtureName } from './load-fixture.ts';

const DASHBOARD = 'https://grafana.example.com/d/codex-pooler-runtime/codex-pooler?orgId=1';
const sanitize = createSanitizer({ secrets: [] });
const opts: EnrichOptions = { sanitize, links: { dashboard: DASHBOARD } };
const ctx = { names: defaultMetricNames, selectors: RunbookSelectors.parse({}), thresholds: defaultThresholds };

function payloadOf(value: unknown): AlertmanagerPayload {
  const r = parseAlertmanagerPayload(value);
  if (!r.ok) throw new Error(r.issues.join(', '));
  return r.payload;
}
const load = (name: FixtureName) => payloadOf(fixture(name));

describe('enrichPayload: Codex Pooler alerts', () => {
  const [binary, tto, crash] = enrichPayload(load('codex-pooler-firing-resolved'), opts);

  it('attaches the runbook hint, the PromQL filled with the pod and the dashboard link', () => {
    expect(binary!.item).toMatchObject({
      fingerprint: 'am-3f9c2a4d6b1e8f07',
      source: 'alertmanager',
      status: 'firing',
      severity: 'warning',
      rule: 'binary-growth',
      pod: 'codex-pooler-app-0',
      target: 'alertmanager/pooler-watch',
      title: 'binary-growth on codex-pooler-app-0',
      summary: 'BEAM binary memory on codex-pooler-app-0 grows 14 MiB/min',
      hint: HINTS.binary,
      startsAt: '2026-11-24T10:02:30.117Z',
    });
    expect(binary!.item.promql).toBe(signalQuery('binary-growth', ctx, 'codex-pooler-app-0'));
    expect(binary!.item.promql).toContain('vm_memory_binary_bytes{namespace="codex-pooler", job="codex-pooler-app", pod="codex-pooler-app-0"}');
    expect(binary!.item.links).toEqual([
      { title: 'Prometheus', url: 'http://prometheus-kube-prometheus-prometheus.monitoring:9090/graph' },
      { title: 'Runbook', url: 'https://docs.example.com/operators/monitoring' },
      { title: 'Dashboard', url: `${DASHBOARD}&var-pod=codex-pooler-app-0` },
    ]);
    expect(binary!.item.endsAt).toBeUndefined();
  });

  it('maps alertnames to rule ids (CodexPoolerTimeToOOM → time-to-oom, KubePodCrashLooping → restarts)', () => {
    expect(tto!.item.rule).toBe('time-to-oom');
    expect(tto!.item.severity).toBe('critical');
    expect(tto!.item.hint).toBe(HINTS.memory);
    expect(tto!.item.promql).toContain('deriv(container_memory_rss{');
    expect(crash!.item.rule).toBe('restarts');
    expect(crash!.item.hint).toBe(HINTS.restarts);
    expect(crash!.item.promql).toContain('kube_pod_container_status_restarts_total');
  });

  it('carries resolved alerts with endsAt and a resolve action; firing ones as remind (the grouper decides trigger)', () => {
    expect(crash!.item.status).toBe('resolved');
    expect(crash!.item.endsAt).toBe('2026-11-24T10:06:12.000Z');
    expect(crash!.routable.action).toBe('resolve');
    expect(binary!.routable.action).toBe('remind');
  });

  it('gives routing the identity labels every RoutableAlert has', () => {
    expect(binary!.routable).toMatchObject({ fingerprint: 'am-3f9c2a4d6b1e8f07', status: 'firing', severity: 'warning' });
    expect(binary!.routable.labels).toMatchObject({
      rule: 'binary-growth',
      pod: 'codex-pooler-app-0',
      target: 'alertmanager/pooler-watch',
      severity: 'warning',
      status: 'firing',
      source: 'alertmanager',
      alertname: 'CodexPoolerBinaryGrowth',
      namespace: 'codex-pooler',
    });
    // `uid` and `endpoint` are not on the allowlist.
    expect(crash!.item.labels.uid).toBeUndefined();
    expect(binary!.item.labels.endpoint).toBeUndefined();
  });

  it('uses the rule label when present and maps page → critical', () => {
    const [alert] = enrichPayload(load('unknown-fields'), opts);
    expect(alert!.item.rule).toBe('memory-pressure');
    expect(alert!.item.severity).toBe('critical');
    expect(alert!.item.hint).toBe(HINTS.memory);
    // A firing alert's endsAt is Alertmanager's resolve_timeout guess, not an end.
    expect(alert!.item.endsAt).toBeUndefined();
  });

  it('recognises Codex Pooler by namespace, job or the app metrics in the expression', () => {
    const base = { alertname: 'SomethingElse' };
    const sel = { names: defaultMetricNames, selectors: ctx.selectors };
    expect(classifyAlert({ ...base, namespace: 'codex-pooler' }, '', sel).match).toBe('namespace');
    expect(classifyAlert({ ...base, job: 'codex-pooler-app' }, '', sel).match).toBe('job');
    const url = `http://prom:9090/graph?g0.expr=${encodeURIComponent('rate(codex_pooler_gateway_stream_buffer_truncated_count_total[5m]) > 0')}&g0.tab=1`;
    expect(classifyAlert(base, url, sel)).toEqual({ match: 'metric', rule: 'stream-buffer' });
    const hist = `http://prom:9090/graph?g0.expr=${encodeURIComponent('histogram_quantile(0.95, sum by (le) (rate(codex_pooler_repo_query_queue_time_seconds_bucket[5m]))) > 0.1')}`;
    expect(classifyAlert(base, hist, sel)).toEqual({ match: 'metric', rule: 'db-queue-p95' });
    // cAdvisor metrics are everyone's: alone they do not make an alert ours.
    const generic = `http://prom:9090/graph?g0.expr=${encodeURIComponent('container_memory_working_set_bytes > 1e9')}`;
    expect(classifyAlert(base, generic, sel)).toEqual({ match: 'none' });
    // Working set minus BEAM total is the runbook's non-BEAM query.
    const nonBeam = `http://prom:9090/graph?g0.expr=${encodeURIComponent('container_memory_working_set_bytes - on (pod) vm_memory_total_bytes > 2e8')}`;
    expect(classifyAlert(base, nonBeam, sel)).toEqual({ match: 'metric', rule: 'non-beam-growth' });
  });

  it('has a hint and PromQL for every rule id, and a table entry for every CodexPooler<Rule> alertname', () => {
    for (const id of RULE_IDS) {
      expect(SIGNALS[id].hint.length).toBeGreaterThan(10);
      expect(signalQuery(id, ctx, 'p-0')).toContain('pod="p-0"');
      const pascal = id.replace(/(^|-)([a-z0-9])/g, (_m, _d, c: string) => c.toUpperCase());
      expect(ruleForAlertname(`CodexPooler${pascal}`)).toBe(id);
    }
    expect(ruleForAlertname('CodexPoolerBinaryGrowth')).toBe('binary-growth');
    expect(ruleForAlertname('CodexPoolerOOMKilled')).toBe('oom-killed');
    expect(ruleForAlertname('CodexPoolerHttp5xxRatio')).toBe('http-5xx-ratio');
    expect(ruleForAlertname('CodexPoolerSomethingNew')).toBeUndefined();
    expect(ruleForAlertname(undefined)).toBeUndefined();
  });

  it('fills the PromQL with all pods and drops var-pod when only an instance is known', () => {
    const p = fixture('codex-pooler-firing-resolved');
    delete p.alerts[0]!.labels.pod;
    const [alert] = enrichPayload(payloadOf(p), opts);
    expect(alert!.item.pod).toBe('10.42.1.17:4000');
    expect(alert!.item.promql).toContain('pod=~".+"');
    expect(alert!.item.promql).not.toContain('10.42.1.17');
    expect(alert!.item.links.find((l) => l.title === 'Dashboard')!.url).toBe(DASHBOARD);
    delete p.alerts[0]!.labels.instance;
    expect(enrichPayload(payloadOf(p), opts)[0]!.item.pod).toBe('-');
  });

  it('is pure: same input, same output', () => {
    const a = enrichPayload(load('codex-pooler-firing-resolved'), opts);
    const b = enrichPayload(load('codex-pooler-firing-resolved'), opts);
    expect(a).toEqual(b);
  });

  it('remembers what an alert derives from its labels, yet gives each repeat its own times, status and copies', () => {
    const fresh = (): EnrichOptions => ({ sanitize, links: { dashboard: DASHBOARD } });
    const cold = fresh();
    const warm = fresh();
    const firing = load('codex-pooler-firing-resolved');
    enrichPayload(firing, warm);
    const [first] = enrichPayload(firing, warm);
    first!.item.labels.pod = 'mutated';
    first!.item.links.push({ title: 'x', url: 'https://x.example' });
    first!.item.evidence.push({ name: 'x', value: 'x' });
    first!.routable.labels.rule = 'mutated';
    // A repeat of the same alert, later and resolved: a cache hit must equal a cold computation.
    const repeat = structuredClone(fixture('codex-pooler-firing-resolved'));
    repeat.alerts[0]!.status = 'resolved';
    repeat.alerts[0]!.startsAt = '2026-11-24T11:00:00Z';
    repeat.alerts[0]!.endsAt = '2026-11-24T11:30:00+01:00';
    expect(enrichPayload(payloadOf(repeat), warm)).toEqual(enrichPayload(payloadOf(repeat), cold));
    const [resolved] = enrichPayload(payloadOf(repeat), warm);
    expect(resolved!.item).toMatchObject({ status: 'resolved', startsAt: '2026-11-24T11:00:00.000Z', endsAt: '2026-11-24T10:30:00.000Z' });
    expect(resolved!.item.labels.status).toBe('resolved');
    expect(resolved!.routable.action).toBe('resolve');
  });

  it('does not mix up alerts that differ in one label or annotation', () => {
    const a = fixture('codex-pooler-firing-resolved');
    const b = structuredClone(a);
    b.alerts[0]!.labels.pod = 'codex-pooler-app-other';
    b.alerts[0]!.annotations.summary = 'another summary';
    const [x] = enrichPayload(payloadOf(a), opts);
    const [y] = enrichPayload(payloadOf(b), opts);
    expect(y!.item.pod).toBe('codex-pooler-app-other');
    expect(y!.item.summary).toBe('another summary');
    expect(y!.item.promql).toContain('codex-pooler-app-other');
    expect(x!.item.pod).not.toBe(y!.item.pod);
  });
});

describe('enrichPayload: other alerts', () => {
  it('passes a non-Codex alert through un-enriched but sanitized', () => {
    const [alert] = enrichPayload(load('non-codex'), opts);
    expect(alert!.item).toMatchObject({
      fingerprint: 'am-7e6d5c4b3a291807',
      rule: 'NodeFilesystemSpaceFillingUp',
      pod: '10.0.3.12:9100',
      severity: 'warning',
      summary: 'Filesystem is predicted to run out of space within the next 24 hours.',
      hint: '',
      promql: '',
      source: 'alertmanager',
    });
    expect(alert!.item.links.map((l) => l.title)).toEqual(['Prometheus', 'Runbook']);
    expect(alert!.item.labels.device).toBeUndefined();
    expect(alert!.item.labels.mountpoint).toBeUndefined();
  });

  it('falls back from summary to description to alertname', () => {
    const p = fixture('non-codex');
    delete p.alerts[0]!.annotations.summary;
    expect(enrichPayload(payloadOf(p), opts)[0]!.item.summary).toMatch(/^Filesystem on/);
    p.alerts[0]!.annotations = {};
    expect(enrichPayload(payloadOf(p), opts)[0]!.item.summary).toBe('NodeFilesystemSpaceFillingUp');
  });

  it('maps severities: error/page → critical, info, unknown → warning', () => {
    expect(severityOf('critical')).toBe('critical');
    expect(severityOf('ERROR')).toBe('critical');
    expect(severityOf('page')).toBe('critical');
    expect(severityOf('info')).toBe('info');
    expect(severityOf('warning')).toBe('warning');
    expect(severityOf('sev3')).toBe('warning');
    expect(severityOf(undefined)).toBe('warning');
  });

  it('prefixes fingerprints with am- and hashes anything that is not hex', () => {
    expect(alertFingerprint('3f9c2a4d6b1e8f07')).toBe('am-3f9c2a4d6b1e8f07');
    const odd = alertFingerprint('Bearer abc.def');
    expect(odd).toMatch(/^am-h[0-9a-f]{24}$/);
    expect(odd).not.toContain('abc');
  });

  it('extracts the expression from generatorURL, empty when absent or invalid', () => {
    expect(alertExpression('http://p:9090/graph?g0.expr=up%20%3D%3D%200&g0.tab=1')).toBe('up == 0');
    expect(alertExpression('')).toBe('');
    expect(alertExpression('::not a url')).toBe('');
  });
});

describe('enrichPayload: sanitization', () => {
  const SECRET = 'pw-Zq81mXv0LrT5nB2c';
  const clean = createSanitizer({ secrets: [SECRET] });
  const p = fixture('codex-pooler-firing-resolved');
  const a = p.alerts[0]!;
  a.annotations.description = `scrape failed with Authorization: Bearer ${SECRET}`;
  a.annotations.summary = `token=${SECRET} leaked in summary`;
  a.annotations.runbook_url = `https://wiki.example.com/runbook?token=${SECRET}`;
  a.labels.pod = `codex-pooler-app-0-${SECRET}`;
  a.labels.api_key = SECRET;
  a.generatorURL = `http://admin:${SECRET}@prometheus:9090/graph?g0.expr=vm_memory_binary_bytes&access_token=${SECRET}`;
  const [alert] = enrichPayload(payloadOf(p), { sanitize: clean, links: { dashboard: `${DASHBOARD}&auth_token=${SECRET}` } });

  it('never lets a registered secret out of an annotation, label, generatorURL or link', () => {
    const out = JSON.stringify(alert);
    expect(out).not.toContain(SECRET);
    expect(out).toContain('<redacted>');
  });

  it('keeps what is safe: the Prometheus host and path, the pod name around the secret', () => {
    expect(alert!.item.links[0]).toEqual({ title: 'Prometheus', url: 'http://prometheus:9090/graph' });
    expect(alert!.item.pod).toBe('codex-pooler-app-0-<redacted>');
    expect(alert!.item.labels.api_key).toBeUndefined();
  });
});
