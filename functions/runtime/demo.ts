import { randomBytes } from 'node:crypto';
import { Config } from '../config/schema.ts';
import { buildWatcher, resolveTargets } from './build-watcher.ts';
import type { Transition } from '../core/alerts/index.ts';
import { startSimulator, ManualClock } from '../simulator/index.ts';
import { probeRound } from './probe-round.ts';
import { clockTime } from './format.ts';
import type { TransitionSink } from './sinks.ts';
import { afterRound } from './deliver.ts';
import { Notifier } from './notifier.ts';
import { createLogger } from '../platform/logger.ts';
import { rm } from 'node:fs/promises';

export interface DemoOptions {
  out: NodeJS.WritableStream;
  /** Record sinks (alert events JSONL); notifications go to the console and `<stateDir>/notifications.jsonl`. */
  sinks: TransitionSink[];
  /** Where the demo keeps its state, outbox and notifications; emptied first so every demo starts fresh. */
  stateDir?: string;
  /** Where structured logs go (default: nowhere, the demo's console is for people). */
  log?: NodeJS.WritableStream;
  /** Simulated minutes of healthy traffic before the leak starts. */
  healthyMinutes?: number;
  /** Simulated minutes to keep watching after the first OOM kill (the leak is fixed then, so alerts resolve). */
  afterKillMinutes?: number;
  /** Simulated seconds between probes. */
  intervalSeconds?: number;
  /** Real milliseconds to pause between probes, to watch it unfold; 0 runs flat out. */
  paceMs?: number;
}

export interface DemoSummary {
  healthyPages: number;
  healthyWarnings: number;
  leakStartedAt: number;
  firstWarningAt?: number;
  firstWarningRule?: string;
  firstPageAt?: number;
  firstPageRule?: string;
  oomKilledAt?: number;
  resolvedAfterFix: number;
  ok: boolean;
}

const START = Date.parse('2026-11-24T10:00:00Z');
const LEAK_LIMIT_MINUTES = 240;

/**
 * The whole job on embedded defaults: a simulated Codex Pooler behind a bearer token, probed through a
 * Prometheus-federate view on an accelerated clock — a healthy phase, then a binary leak on one pod until
 * it is OOM-killed, then the fix. Returns what an operator would want to know: was it caught, how early.
 */
export async function runDemo(opts: DemoOptions): Promise<DemoSummary> {
  const out = opts.out;
  const interval = (opts.intervalSeconds ?? 30) * 1000;
  const clock = new ManualClock(START);
  const token = randomBytes(24).toString('base64url');
  const sim = await startSimulator({ clock, token, pods: 3, scenario: 'healthy', seed: 42 });
  const stateDir = opts.stateDir ?? '.pooler-watch/demo';
  await rm(stateDir, { recursive: true, force: true });
  const config = Config.parse({
    targets: [{ name: 'prometheus', kind: 'federate', url: sim.federateUrl, match: ['{namespace="codex-pooler"}'], token: { env: 'DEMO_TOKEN' } }],
    interval: interval,
    alerting: { forEvaluations: 2, resolveAfterEvaluations: 3, repeatInterval: '1h' },
    state: { dir: stateDir },
    links: { runbook: 'https://docs.example.com/operators/monitoring', dashboard: 'https://grafana.example.com/d/codex-pooler-runtime-triage' },
  });
  const env = { DEMO_TOKEN: token };
  const logger = createLogger({ stream: opts.log ?? { write: () => true } });
  const watcher = buildWatcher(config);
  const notifier = await Notifier.create({ config, logger, out, env, now: () => clock.now() });
  const targets = await resolveTargets(config, env);
  const leakPod = sim.pods[0]!;
  const summary: DemoSummary = { healthyPages: 0, healthyWarnings: 0, leakStartedAt: 0, resolvedAfterFix: 0, ok: false };

  const round = async (): Promise<Transition[]> => {
    clock.advance(interval);
    const result = await probeRound(targets, watcher, () => clock.now());
    for (const failed of result.scrapes.filter((s) => !s.ok)) out.write(`${clockTime(clock.now())}  scrape failed: ${failed.ok ? '' : failed.reason}\n`);
    await afterRound(result.transitions, result.now, { watcher, notifier, sinks: opts.sinks, logger });
    if (opts.paceMs) await new Promise((r) => setTimeout(r, opts.paceMs));
    return result.transitions;
  };

  try {
    out.write(`pooler-watch demo: simulated Codex Pooler with ${sim.pods.length} pods (${sim.pods.join(', ')}), 1 GiB memory limit,\n`);
    out.write(`probed every ${interval / 1000}s of simulated time through /federate with a bearer token.\n\n`);
    out.write(`── ${clockTime(clock.now())} healthy phase ──\n`);
    const healthyEnd = START + (opts.healthyMinutes ?? 45) * 60_000;
    while (clock.now() < healthyEnd) {
      for (const t of await round()) {
        if (t.action !== 'trigger') continue;
        if (t.state.severity === 'critical') summary.healthyPages++;
        if (t.state.severity === 'warning') summary.healthyWarnings++;
      }
    }

    sim.setScenario('binary-leak');
    summary.leakStartedAt = clock.now();
    out.write(`\n── ${clockTime(clock.now())} binary leak starts on ${leakPod} (vm_memory_binary_bytes climbing) ──\n`);
    const leakDeadline = clock.now() + LEAK_LIMIT_MINUTES * 60_000;
    while (clock.now() < leakDeadline && summary.oomKilledAt === undefined) {
      for (const t of await round()) {
        if (t.action !== 'trigger' || t.state.pod !== leakPod) continue;
        const at = Date.parse(t.event.ts);
        if (t.state.rule === 'oom-killed') summary.oomKilledAt = at;
        else if (t.state.severity === 'critical' && summary.firstPageAt === undefined) {
          summary.firstPageAt = at;
          summary.firstPageRule = t.state.rule;
        } else if (t.state.severity === 'warning' && summary.firstWarningAt === undefined) {
          summary.firstWarningAt = at;
          summary.firstWarningRule = t.state.rule;
        }
      }
    }

    sim.setScenario('healthy');
    out.write(`\n── ${clockTime(clock.now())} leak fixed (deploy rolled back); watching alerts resolve ──\n`);
    const end = clock.now() + (opts.afterKillMinutes ?? 30) * 60_000;
    while (clock.now() < end) {
      for (const t of await round()) if (t.action === 'resolve') summary.resolvedAfterFix++;
    }
  } finally {
    await sim.close();
  }

  summary.ok =
    summary.healthyPages === 0 &&
    summary.oomKilledAt !== undefined &&
    summary.firstPageAt !== undefined &&
    summary.firstPageAt < summary.oomKilledAt;
  out.write(renderSummary(summary));
  return summary;
}

function minutes(from: number, to: number): string {
  return `${Math.round((to - from) / 60_000)} min`;
}

export function renderSummary(s: DemoSummary): string {
  const lines = ['', 'Summary'];
  lines.push(`  healthy phase: ${s.healthyPages} pages, ${s.healthyWarnings} chat warnings`);
  lines.push(`  leak started:  ${clockTime(s.leakStartedAt)}`);
  if (s.firstWarningAt) lines.push(`  first warning: ${clockTime(s.firstWarningAt)} ${s.firstWarningRule} (${minutes(s.leakStartedAt, s.firstWarningAt)} after the leak began)`);
  if (s.firstPageAt) lines.push(`  first page:    ${clockTime(s.firstPageAt)} ${s.firstPageRule} (${minutes(s.leakStartedAt, s.firstPageAt)} after the leak began)`);
  if (s.oomKilledAt) {
    lines.push(`  OOM kill:      ${clockTime(s.oomKilledAt)}`);
    if (s.firstPageAt && s.firstPageAt < s.oomKilledAt) lines.push(`  paged ${minutes(s.firstPageAt, s.oomKilledAt)} before the OOM kill`);
    else lines.push('  NOT paged before the OOM kill');
    if (s.firstWarningAt && s.firstWarningAt < s.oomKilledAt) lines.push(`  first warned ${minutes(s.firstWarningAt, s.oomKilledAt)} before it`);
  } else lines.push('  no OOM kill observed');
  lines.push(`  resolved after the fix: ${s.resolvedAfterFix} alerts`);
  lines.push(s.ok ? '  result: OK — the leak paged before the OOM, and the healthy phase stayed quiet.' : '  result: FAILED — see above.');
  return lines.join('\n') + '\n';
}
