import { afterEach, describe, expect, it } from 'vitest';
import { Config } from '../../functions/config/schema.ts';
import type { Transition } from '../../functions/core/alerts/index.ts';
import { ManualClock, startSimulator, type Simulator } from '../../functions/simulator/index.ts';
import { buildWatcher, resolveTargets } from '../../functions/runtime/build-watcher.ts';
import { createBuiltinCheckRunner } from '../../functions/runtime/builtin-checks.ts';
import type { CheckResults } from '../../functions/runtime/check-runner.ts';
import { roundInput, scrapeTargets } from '../../functions/runtime/probe-round.ts';

/**
 * The built-in checks against the simulator over real HTTP on 127.0.0.1, fed to the watcher the way the probe
 * round will: scrape, run the checks on the scrapes, observe both.
 */
const SIM_TOKEN = 'simtok-builtin-Zq81xLmW4vR7';
const env = { SIM_TOKEN };

let sim: Simulator | undefined;
afterEach(async () => {
  await sim?.close();
  sim = undefined;
});

async function harness(target: Record<string, unknown>, builtinChecks: Record<string, unknown> = {}) {
  const clock = new ManualClock(Date.parse('2026-11-24T10:00:00Z'));
  const config = Config.parse({ targets: [{ timeout: '5s', ...target }], builtinChecks });
  const targets = await resolveTargets(config, env);
  const watcher = buildWatcher(config);
  const runner = createBuiltinCheckRunner(targets, config);
  const log: Array<{ checks: CheckResults; transitions: Transition[]; scrapedOk: boolean }> = [];
  const round = async () => {
    clock.advance(30_000);
    const ts = clock.now();
    const scrapes = await scrapeTargets(targets, ts);
    const checks = await runner({ ts, scrapes });
    const result = watcher.observe({ ...roundInput(ts, scrapes), checks: { findings: checks.findings, evaluated: checks.evaluated } });
    const entry = { checks, transitions: result.transitions, scrapedOk: scrapes.every((s) => s.ok) };
    log.push(entry);
    return entry;
  };
  return { watcher, round, log, clock };
}

const rulesOf = (c: CheckResults) => c.findings.map((f) => f.rule);
const authMetric = (c: CheckResults) => c.metrics.find((m) => m.name === 'MetricsAuthOpen')?.value;
const authTransitions = (ts: Transition[]) => ts.filter((t) => t.state.rule === 'metrics-auth-off').map((t) => t.action);

describe('built-in checks against the simulator', () => {
  it('token configured: quiet while auth is on, fires once it is switched off, resolves when it is back', async () => {
    sim = await startSimulator({ token: SIM_TOKEN, pods: 1, seed: 3 });
    const h = await harness({ name: 'codex-pooler-app-0', url: sim.metricsUrl(0), token: { env: 'SIM_TOKEN' } });

    for (let i = 0; i < 3; i++) {
      const r = await h.round();
      expect(r.scrapedOk).toBe(true);
      expect(rulesOf(r.checks)).toEqual([]);
      expect(authMetric(r.checks)).toBe(0); // the unauthenticated GET got 401
      expect(r.checks.evaluated).toEqual(['codex-pooler-app-0']);
    }

    sim.setMetricsAuth(false);
    const pending = await h.round();
    expect(pending.scrapedOk).toBe(true);
    expect(rulesOf(pending.checks)).toEqual(['metrics-auth-off']);
    expect(authTransitions(pending.transitions)).toEqual([]); // forEvaluations: 2
    const fired = await h.round();
    expect(authTransitions(fired.transitions)).toEqual(['trigger']);
    const alert = h.watcher.firing().find((a) => a.rule === 'metrics-auth-off')!;
    expect(alert).toMatchObject({ severity: 'warning', pod: 'codex-pooler-app-0' });
    expect(fired.checks.findings[0]!.evidence).toMatchObject({ status: 200, tokenConfigured: 'yes', url: sim.metricsUrl(0) });

    sim.setMetricsAuth(true);
    const after = [await h.round(), await h.round(), await h.round()];
    expect(after.map((r) => authTransitions(r.transitions))).toEqual([[], [], ['resolve']]);
    expect(h.watcher.firing()).toEqual([]);

    expect(JSON.stringify([h.log, h.watcher.dump()])).not.toContain(SIM_TOKEN);
  });

  it('no token configured and metrics open: fires, with the never-protected wording', async () => {
    sim = await startSimulator({ pods: 1, seed: 3 });
    const h = await harness({ name: 'codex-pooler-app-0', url: sim.metricsUrl(0) });
    await h.round();
    const r = await h.round();
    expect(authTransitions(r.transitions)).toEqual(['trigger']);
    expect(r.checks.findings[0]!.evidence.tokenConfigured).toBe('no');
    expect(r.checks.findings[0]!.summary).toContain('none is configured');
  });

  it('no token configured but expect-open: no alert, the metric still says open', async () => {
    sim = await startSimulator({ pods: 1, seed: 3 });
    const h = await harness({ name: 'codex-pooler-app-0', url: sim.metricsUrl(0) }, { metricsAuth: { mode: 'expect-open' } });
    for (let i = 0; i < 3; i++) {
      const r = await h.round();
      expect(rulesOf(r.checks)).toEqual([]);
      expect(authMetric(r.checks)).toBe(1);
    }
    expect(h.watcher.firing()).toEqual([]);
  });

  it('an endpoint without the BEAM families (a worker-like pod) fires metrics-families-missing', async () => {
    sim = await startSimulator({ token: SIM_TOKEN, pods: 1, seed: 3 });
    const url = `${sim.federateUrl}?match[]=container_memory_working_set_bytes`;
    const h = await harness({ name: 'codex-pooler-worker-0', url, token: { env: 'SIM_TOKEN' } });
    await h.round();
    const r = await h.round();
    expect(r.scrapedOk).toBe(true);
    expect(rulesOf(r.checks)).toEqual(['metrics-families-missing']);
    expect(r.checks.findings[0]!.hint).toMatch(/worker and scheduler pods do not expose \/metrics/i);
    expect(r.transitions.map((t) => [t.state.rule, t.action])).toEqual([['metrics-families-missing', 'trigger']]);
  });
});
