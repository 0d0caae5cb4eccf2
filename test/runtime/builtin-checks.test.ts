import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPECTED_FAMILIES } from '../../functions/config/builtin-checks.ts';
import { defaultMetricNames } from '../../functions/config/metric-names.ts';
import { Config, Target } from '../../functions/config/schema.ts';
import type { AuthProbeResult } from '../../functions/core/probes/codex-checks.ts';
import type { ScrapeFailed, ScrapeOk } from '../../functions/platform/scrape.ts';
import type { AuthProbeOptions } from '../../functions/platform/metrics-auth-probe.ts';
import { Secret } from '../../functions/platform/secrets.ts';
import { createBuiltinCheckRunner } from '../../functions/runtime/builtin-checks.ts';
import { buildWatcher } from '../../functions/runtime/build-watcher.ts';
import type { ResolvedTarget } from '../../functions/runtime/probe-round.ts';

const TOKEN = 'bt-literal-token-7f3a9c2e1d';
const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);
const MIN = 60_000;
const BEAM = DEFAULT_EXPECTED_FAMILIES.map((k) => defaultMetricNames[k]);

function resolved(name: string, extra: Record<string, unknown> = {}, token?: string): ResolvedTarget {
  const target = Target.parse({ name, url: `http://10.0.0.1:4000/metrics?x=${name}`, timeout: 10_000, ...extra });
  return token === undefined ? { target } : { target, token: new Secret(token) };
}
function ok(name: string, opts: { families?: string[]; bytes?: number; durationMs?: number; kind?: 'metrics' | 'federate' } = {}): ScrapeOk {
  const families = (opts.families ?? BEAM).map((n) => ({ name: n, type: 'gauge' as const, samples: [{ name: n, labels: {}, value: 1 }] }));
  return {
    ok: true,
    snapshot: { ts: T0, target: name, kind: opts.kind ?? 'metrics', families },
    text: '',
    durationMs: opts.durationMs ?? 20,
    bytes: opts.bytes ?? 50_000,
    status: 200,
    format: 'text',
  };
}
function failed(name: string, reason: ScrapeFailed['reason'], status?: number): ScrapeFailed {
  return {
    ok: false,
    reason,
    durationMs: 5,
    bytes: 0,
    ...(status === undefined ? {} : { status }),
    finding: { rule: 'scrape-failed', severity: 'critical', pod: name, target: name, summary: 's', evidence: {}, hint: 'h', promql: 'p' },
  };
}
function config(builtinChecks: Record<string, unknown> = {}) {
  return Config.parse({ targets: [{ name: 'x', url: 'http://127.0.0.1:1/metrics' }], builtinChecks });
}
function fakeProbe(result: AuthProbeResult) {
  const calls: Array<{ url: string; opts: AuthProbeOptions }> = [];
  return { calls, probeAuth: async (url: string, opts: AuthProbeOptions) => (calls.push({ url, opts }), result) };
}
const status = (s: number, exposition = s === 200): AuthProbeResult => ({ kind: 'status', status: s, exposition });

describe('createBuiltinCheckRunner: metrics auth', () => {
  it('token configured: probes the target URL unauthenticated, alerts on an open 200, never carries the token', async () => {
    const probe = fakeProbe(status(200));
    const run = createBuiltinCheckRunner([resolved('app-0', {}, TOKEN)], config(), probe);
    const r = await run({ ts: T0, scrapes: [ok('app-0')] });
    expect(probe.calls).toEqual([{ url: 'http://10.0.0.1:4000/metrics?x=app-0', opts: { timeoutMs: 3_000 } }]);
    expect(r.evaluated).toEqual(['app-0']);
    expect(r.findings.map((f) => f.rule)).toEqual(['metrics-auth-off']);
    expect(r.findings[0]!.evidence).toEqual({ status: 200, url: 'http://10.0.0.1:4000/metrics', tokenConfigured: 'yes' });
    expect(r.metrics).toContainEqual({ check: 'app-0', name: 'MetricsAuthOpen', value: 1, unit: 'Count' });
    expect(JSON.stringify(r)).not.toContain(TOKEN);
  });

  it('token configured and 401/403: no finding, MetricsAuthOpen 0', async () => {
    for (const s of [401, 403]) {
      const run = createBuiltinCheckRunner([resolved('app-0', {}, TOKEN)], config(), fakeProbe(status(s)));
      const r = await run({ ts: T0, scrapes: [ok('app-0')] });
      expect(r.findings).toEqual([]);
      expect(r.metrics).toContainEqual({ check: 'app-0', name: 'MetricsAuthOpen', value: 0, unit: 'Count' });
    }
  });

  it('inconclusive probes (5xx, errors) say nothing about auth but still evaluate the target', async () => {
    for (const result of [status(503), { kind: 'error', error: 'timeout' } as const]) {
      const run = createBuiltinCheckRunner([resolved('app-0', {}, TOKEN)], config(), fakeProbe(result));
      const r = await run({ ts: T0, scrapes: [ok('app-0')] });
      expect(r.findings).toEqual([]);
      expect(r.metrics.map((m) => m.name)).not.toContain('MetricsAuthOpen');
      expect(r.evaluated).toEqual(['app-0']);
    }
  });

  it('no token: the scrape itself was the unauthenticated request; a success is an alert, without a second request', async () => {
    const probe = fakeProbe(status(401));
    const run = createBuiltinCheckRunner([resolved('app-0')], config(), probe);
    const r = await run({ ts: T0, scrapes: [ok('app-0')] });
    expect(probe.calls).toEqual([]);
    expect(r.findings.map((f) => [f.rule, f.evidence.tokenConfigured])).toEqual([['metrics-auth-off', 'no']]);
    const refused = await run({ ts: T0 + MIN, scrapes: [failed('app-0', 'unauthorized', 401)] });
    expect(refused.findings).toEqual([]);
    expect(refused.metrics).toEqual([{ check: 'app-0', name: 'MetricsAuthOpen', value: 0, unit: 'Count' }]);
  });

  it('does not probe when the authenticated scrape failed: scrape-failed covers reachability', async () => {
    const probe = fakeProbe(status(200));
    const run = createBuiltinCheckRunner([resolved('app-0', {}, TOKEN)], config(), probe);
    const r = await run({ ts: T0, scrapes: [failed('app-0', 'down')] });
    expect(probe.calls).toEqual([]);
    // Not evaluated: a failed scrape tells nothing about auth, so an open-auth alert must not resolve through it.
    expect(r).toEqual({ findings: [], evaluated: [], metrics: [] });
  });

  it('a pod restart (scrapes failing for a while) neither resolves nor re-triggers the firing alert', async () => {
    const cfg = config();
    const watcher = buildWatcher(cfg);
    const run = createBuiltinCheckRunner([resolved('app-0', {}, TOKEN)], cfg, fakeProbe(status(200)));
    const round = async (i: number, scrape: ScrapeOk | ScrapeFailed) => {
      const input = { ts: T0 + i * MIN, scrapes: [scrape] };
      const checks = await run(input);
      return watcher.observe({ now: input.ts, snapshots: scrape.ok ? [scrape.snapshot] : [], scrapeFailures: scrape.ok ? [] : [scrape.finding], checks });
    };
    const actions: string[] = [];
    for (let i = 0; i < 2; i++) actions.push(...(await round(i, ok('app-0'))).transitions.map((t) => `${t.action} ${t.state.rule}`));
    for (let i = 2; i < 7; i++) actions.push(...(await round(i, failed('app-0', 'down'))).transitions.filter((t) => t.state.rule === 'metrics-auth-off').map((t) => `${t.action} ${t.state.rule}`));
    for (let i = 7; i < 9; i++) actions.push(...(await round(i, ok('app-0'))).transitions.filter((t) => t.state.rule === 'metrics-auth-off').map((t) => `${t.action} ${t.state.rule}`));
    expect(actions).toEqual(['trigger metrics-auth-off']);
  });

  it('expect-open reports the metric without alerting; off sends nothing; per-target overrides win', async () => {
    const probe = fakeProbe(status(200));
    const targets = [resolved('open', {}, TOKEN), resolved('quiet', {}, TOKEN), resolved('strict', {}, TOKEN)];
    const cfg = config({ metricsAuth: { mode: 'expect-open', targets: { quiet: 'off', strict: 'expect-protected' }, severity: 'critical', timeout: '20s' } });
    const r = await createBuiltinCheckRunner(targets, cfg, probe)({ ts: T0, scrapes: [ok('open'), ok('quiet'), ok('strict')] });
    expect(probe.calls.map((c) => [c.url.slice(-6), c.opts.timeoutMs])).toEqual([['x=open', 10_000], ['strict', 10_000]]);
    expect(r.findings.map((f) => [f.target, f.rule, f.severity])).toEqual([['strict', 'metrics-auth-off', 'critical']]);
    expect(r.metrics.filter((m) => m.name === 'MetricsAuthOpen').map((m) => m.check)).toEqual(['open', 'strict']);
  });

  it('never probes a federate target, and passes the round signal on', async () => {
    const probe = fakeProbe(status(200));
    const targets = [resolved('prom', { kind: 'federate' }, TOKEN), resolved('app-0', {}, TOKEN)];
    const signal = new AbortController().signal;
    await createBuiltinCheckRunner(targets, config(), probe)({ ts: T0, scrapes: [ok('prom', { kind: 'federate' }), ok('app-0')], signal });
    expect(probe.calls.map((c) => c.url)).toEqual(['http://10.0.0.1:4000/metrics?x=app-0']);
    expect(probe.calls[0]!.opts.signal).toBe(signal);
  });
});

describe('createBuiltinCheckRunner: families, trends, coverage', () => {
  const quiet = () => fakeProbe(status(401));

  it('flags missing families on a pod /metrics only, and can be switched off', async () => {
    const targets = [resolved('app-0', {}, TOKEN), resolved('prom', { kind: 'federate' }, TOKEN)];
    const scrapes = [ok('app-0', { families: ['process_cpu_seconds_total'] }), ok('prom', { kind: 'federate', families: [] })];
    const r = await createBuiltinCheckRunner(targets, config(), quiet())({ ts: T0, scrapes });
    expect(r.findings.map((f) => [f.target, f.rule])).toEqual([['app-0', 'metrics-families-missing']]);
    expect(r.evaluated).toEqual(['app-0', 'prom']);
    const off = await createBuiltinCheckRunner(targets, config({ families: { enabled: false } }), quiet())({ ts: T0, scrapes });
    expect(off.findings).toEqual([]);
  });

  it('finds steady exposition growth across rounds', async () => {
    const run = createBuiltinCheckRunner([resolved('app-0', {}, TOKEN)], config(), quiet());
    let last;
    for (let i = 0; i <= 25; i++) {
      last = await run({ ts: T0 + i * MIN, scrapes: [ok('app-0', { bytes: 100_000 + i * 2_000, durationMs: 30 })] });
      if (i < 20) expect(last.findings).toEqual([]);
    }
    expect(last!.findings.map((f) => f.rule)).toEqual(['exposition-growth']);
  });

  it('finds slow scrapes against the target timeout', async () => {
    const run = createBuiltinCheckRunner([resolved('app-0', { timeout: '2s' }, TOKEN)], config(), quiet());
    const rules: string[][] = [];
    for (let i = 0; i < 3; i++) rules.push((await run({ ts: T0 + i * MIN, scrapes: [ok('app-0', { durationMs: 1_500 })] })).findings.map((f) => f.rule));
    expect(rules).toEqual([[], [], ['scrape-slow']]);
  });

  it('leaves targets absent from the round unevaluated, and does nothing when disabled', async () => {
    const targets = [resolved('app-0', {}, TOKEN), resolved('app-1', {}, TOKEN)];
    const r = await createBuiltinCheckRunner(targets, config(), quiet())({ ts: T0, scrapes: [ok('app-1')] });
    expect(r.evaluated).toEqual(['app-1']);
    const probe = quiet();
    const off = await createBuiltinCheckRunner(targets, config({ enabled: false }), probe)({ ts: T0, scrapes: [ok('app-0', { families: [] })] });
    expect(off).toEqual({ findings: [], evaluated: [], metrics: [] });
    expect(probe.calls).toEqual([]);
  });
});

describe('createBuiltinCheckRunner: token presence from config alone', () => {
  it('a target whose token is only a SecretRef counts as configured (no secret needed to build the runner)', async () => {
    const probe = fakeProbe(status(200));
    const target = Target.parse({ name: 'app-0', url: 'http://10.0.0.1:4000/metrics', token: { env: 'NOT_RESOLVED' } });
    const r = await createBuiltinCheckRunner([{ target }], config(), probe)({ ts: T0, scrapes: [ok('app-0')] });
    expect(probe.calls).toHaveLength(1);
    expect(r.findings[0]!.evidence.tokenConfigured).toBe('yes');
  });
});
