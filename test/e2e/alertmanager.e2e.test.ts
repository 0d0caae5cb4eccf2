import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { Config } from '../../functions/config/schema.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import { runLoop } from '../../functions/runtime/run.ts';
import { ManualClock, startSimulator, type Simulator } from '../../functions/simulator/index.ts';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts';
import { freePort, simulatorFederateJob, startDaemon, waitFor, type Daemon } from '../helpers/processes.ts';

/**
 * The whole road with real parts: the simulator (leak scenario) → Debian's Prometheus scraping it with the shipped
 * rules → Debian's Alertmanager → pooler-watch's receiver → a PagerDuty stand-in. Only the rules' `for:` is
 * shortened to seconds (the expressions, labels and annotations are the shipped ones), and intervals are 1 s.
 */
const SIM_TOKEN = 'e2e-sim-token-3Jx9Qp7LmV2c';
const AM_TOKEN = 'e2e-am-token-8Hk2Wd5RtY6b';
const PD_KEY = 'e2e-pd-routing-key-4Fs7Gh1Zq';

function need(cmd: string): void {
  try {
    execFileSync(cmd, ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(`${cmd} is not installed: install Debian's prometheus and prometheus-alertmanager packages (.ci/run does)`);
  }
}

let dir: string;
let sim: Simulator;
let clock: ManualClock;
let pd: CaptureServer;
let prometheus: Daemon;
let alertmanager: Daemon;
let receiverPort: number;
let amPort: number;
let stopPoolerWatch: (() => Promise<void>) | undefined;
const logs: string[] = [];

async function startPoolerWatch(): Promise<() => Promise<void>> {
  const config = Config.parse({
    state: { dir: join(dir, 'state') },
    receiver: { port: receiverPort, auth: { bearer: { file: join(dir, 'am-token') } } },
    receivers: [{ name: 'pager', channel: { type: 'pagerduty', routingKey: { env: 'PD_KEY' }, baseUrl: pd.url } }],
    routing: { route: { receiver: 'pager', groupWait: '0s', groupInterval: '1s' } },
    links: { dashboard: 'https://grafana.example.com/d/codex-pooler-runtime-triage' },
    interval: '1s',
    delivery: { baseDelay: 50, maxDelay: 200 },
  });
  const stop = new AbortController();
  let ready!: () => void;
  const started = new Promise<void>((r) => (ready = r));
  const done = runLoop({
    config,
    sinks: [],
    logger: createLogger({ stream: { write: (l: string) => logs.push(l) } }),
    env: { PD_KEY },
    signal: stop.signal,
    onReady: () => ready(),
  });
  await Promise.race([started, done]);
  return async () => {
    stop.abort();
    await done;
  };
}

beforeAll(async () => {
  need('prometheus');
  need('prometheus-alertmanager');
  dir = await mkdtemp(join(tmpdir(), 'pooler-watch-e2e-'));
  clock = new ManualClock(Date.parse('2026-11-24T10:00:00Z'));
  sim = await startSimulator({ clock, token: SIM_TOKEN, pods: 2, seed: 9 });
  pd = await startCaptureServer({ status: 202, body: { status: 'success' } });
  await writeFile(join(dir, 'sim-token'), SIM_TOKEN);
  await writeFile(join(dir, 'am-token'), AM_TOKEN);

  const rules = parse(await readFile('infra/prometheus/codex-pooler-rules.yaml', 'utf8')) as { groups: Array<{ rules: Array<{ for?: string }> }> };
  for (const g of rules.groups) for (const r of g.rules) if (r.for) r.for = '2s';
  await writeFile(join(dir, 'rules.yaml'), stringify(rules));

  const promPort = await freePort();
  amPort = await freePort();
  receiverPort = await freePort();
  const simUrl = new URL(sim.url);
  await writeFile(
    join(dir, 'prometheus.yml'),
    stringify({
      global: { scrape_interval: '1s', evaluation_interval: '1s' },
      rule_files: [join(dir, 'rules.yaml')],
      alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${amPort}`] }] }] },
      scrape_configs: [
        simulatorFederateJob(simUrl.host, {
          authorization: { type: 'Bearer', credentials_file: join(dir, 'sim-token') },
          // kube-prometheus-stack scrapes kube-state-metrics directly, where `container` is the pod's container.
          metric_relabel_configs: [{ source_labels: ['exported_container'], regex: '(.+)', target_label: 'container', replacement: '$1' }],
        }),
      ],
    }),
  );
  const amConfig = parse(await readFile('infra/alertmanager/alertmanager.example.yml', 'utf8')) as Record<string, unknown> & {
    route: Record<string, unknown>;
    receivers: Array<{ webhook_configs?: Array<Record<string, unknown> & { http_config: { authorization: Record<string, unknown> } }> }>;
  };
  const fast = (route: Record<string, unknown>): void => {
    Object.assign(route, { group_wait: '1s', group_interval: '2s', repeat_interval: '1h' });
    for (const child of (route.routes as Array<Record<string, unknown>> | undefined) ?? []) fast(child);
  };
  fast(amConfig.route);
  for (const r of amConfig.receivers) {
    for (const w of r.webhook_configs ?? []) {
      w.url = `http://127.0.0.1:${receiverPort}/alertmanager`;
      w.http_config.authorization.credentials_file = join(dir, 'am-token');
    }
  }
  await writeFile(join(dir, 'alertmanager.yml'), stringify(amConfig));

  alertmanager = startDaemon('prometheus-alertmanager', [
    `--config.file=${join(dir, 'alertmanager.yml')}`,
    `--storage.path=${join(dir, 'am-data')}`,
    `--web.listen-address=127.0.0.1:${amPort}`,
    '--cluster.listen-address=',
  ]);
  prometheus = startDaemon('prometheus', [
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'prom-data')}`,
    `--web.listen-address=127.0.0.1:${promPort}`,
    '--rules.alert.resend-delay=1s',
  ]);
  await waitFor('alertmanager', async () => (await fetch(`http://127.0.0.1:${amPort}/-/ready`)).ok || undefined, 20_000, alertmanager.output);
  await waitFor('prometheus', async () => (await fetch(`http://127.0.0.1:${promPort}/-/ready`)).ok || undefined, 20_000, prometheus.output);
  stopPoolerWatch = await startPoolerWatch();
}, 60_000);

afterAll(async () => {
  await stopPoolerWatch?.();
  await Promise.all([prometheus?.stop(), alertmanager?.stop()]);
  await Promise.all([sim?.close(), pd?.close()]);
  if (dir) await rm(dir, { recursive: true, force: true });
});

type PdEvent = { routing_key: string; event_action: string; dedup_key: string; payload?: { summary: string; custom_details?: Record<string, unknown> } };
const events = () => pd.requests.map((r) => r.json as PdEvent);
const memoryPage = () => events().find((e) => e.event_action === 'trigger' && e.payload?.summary.includes('memory limit'));
const context = () => `prometheus:\n${prometheus.output().slice(-1500)}\nalertmanager:\n${alertmanager.output().slice(-1500)}\npooler-watch:\n${logs.slice(-10).join('')}`;

function failedWebhookNotifications(metrics: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith('alertmanager_notifications_failed_total{integration="webhook"'));
  return line ? Number(line.split(' ').pop()) : 0;
}

describe('Prometheus → Alertmanager → pooler-watch → pager, with real Prometheus and Alertmanager', () => {
  it('pages with the enrichment and no secret, resolves after recovery, and loses nothing across a receiver restart', async () => {
    // Drive the leak pod to ~97% of its limit and hold it there (the simulated clock only moves when we move it).
    sim.setScenario('binary-leak');
    for (let i = 0; i < 1500 && sim.model.memory(0).workingSet / sim.model.limit < 0.96; i++) {
      clock.advance(10_000);
      sim.tick();
    }
    expect(sim.model.memory(0).workingSet / sim.model.limit).toBeGreaterThan(0.95);

    const page = await waitFor('the memory-pressure page', memoryPage, 60_000, context);
    expect(page.routing_key).toBe(PD_KEY);
    const details = JSON.stringify(page.payload?.custom_details ?? {});
    expect(details).toContain('compare BEAM binary');
    expect(details).toMatch(/container_memory_working_set_bytes/);
    expect(JSON.stringify(page)).toContain('grafana.example.com/d/codex-pooler-runtime-triage');
    const all = pd.requests.map((r) => r.body.replace(PD_KEY, '')).join('\n') + logs.join('');
    for (const secret of [SIM_TOKEN, AM_TOKEN, PD_KEY]) expect(all).not.toContain(secret);

    // Take the receiver down, recover while it is down: Alertmanager must retry the resolve until it is back.
    await stopPoolerWatch!();
    stopPoolerWatch = undefined;
    sim.setScenario('healthy');
    clock.advance(60_000);
    sim.tick();
    // Proof that the resolve was attempted while we were down (and failed), so the retry is what delivers it.
    await waitFor('Alertmanager to fail a delivery to the stopped receiver', async () => failedWebhookNotifications(await (await fetch(`http://127.0.0.1:${amPort}/metrics`)).text()) > 0 || undefined, 60_000, context);
    stopPoolerWatch = await startPoolerWatch();
    const resolved = await waitFor(
      'the resolve after recovery',
      () => events().find((e) => e.event_action === 'resolve' && e.dedup_key === page.dedup_key),
      110_000,
      context,
    );
    expect(resolved.dedup_key).toBe(page.dedup_key);
  }, 240_000);
});
