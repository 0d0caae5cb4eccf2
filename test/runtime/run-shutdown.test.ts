import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Transition } from '../../functions/core/alerts/index.ts';
import { Config } from '../../functions/config/schema.ts';
import { OutboxFile } from '../../functions/platform/delivery/outbox-file.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import { Notifier } from '../../functions/runtime/notifier.ts';
import { runLoop, type RunOptions } from '../../functions/runtime/run.ts';
import { startServer, type TestServer } from '../platform/http-servers.ts';
import { waitFor } from '../helpers/processes.ts';
import { job } from '../platform/delivery/fixtures/jobs.ts';

let servers: TestServer[] = [];
let running: Promise<unknown> | undefined;
let dir: string | undefined;
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  await running?.catch(() => undefined);
  if (dir) await rm(dir, { recursive: true, force: true });
  servers = [];
  running = undefined;
  dir = undefined;
});

const quiet = () => createLogger({ stream: { write: () => true } });
const HOOK_SECRET = 'hooksecret-5e4d3c2b1a09f8e7';

/** Starts `runLoop` as `run` would (no sinks, a quiet logger, no env) with `over` on top; `stop` is its SIGTERM. */
function start(config: Config, over: Partial<RunOptions> = {}): { run: Promise<number>; stop: AbortController } {
  const stop = new AbortController();
  const run = runLoop({ config, sinks: [], logger: quiet(), out: { write: () => true }, signal: stop.signal, env: {}, ...over });
  running = run;
  return { run, stop };
}

async function serve(handler: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const s = await startServer(handler);
  servers.push(s);
  return s;
}

/** Resolves to 'returned' if `p` settles within `ms`, else 'still running'. */
function within(p: Promise<unknown>, ms: number): Promise<'returned' | 'still running'> {
  return Promise.race([p.then(() => 'returned' as const), new Promise<'still running'>((r) => setTimeout(() => r('still running'), ms).unref())]);
}

/**
 * SIGTERM (the run signal) aborts a round's in-flight scrapes and HTTP checks. An aborted request looks like a
 * `timeout` failure, so the round is discarded: not evaluated, nothing written to the sinks, routed or saved
 * (the previous state stays, and the next start runs the round again). A rolling restart must not page.
 */
describe('run: a shutdown during a round', () => {
  it('does not turn the aborted check into a failure (no trigger, nothing persisted)', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-run-abort-'));
    // A healthy but slow endpoint (answers 200 after 2 s); the signal arrives while the check waits for it.
    const server = await serve((_req, res) => void setTimeout(() => res.writeHead(200).end('ok'), 2_000).unref());
    const config = Config.parse({ checks: [{ name: 'api', url: server.url, failureThreshold: 1, timeout: '10s' }], interval: '1h', state: { dir } });
    const seen: Transition[] = [];
    const { run, stop } = start(config, { sinks: [{ write: async (ts: Transition[]) => void seen.push(...ts) }] });
    await waitFor('the check request', () => server.requests.length > 0 || undefined, 15_000);
    stop.abort(); // what runCommand does on SIGTERM
    expect(await run).toBe(0);
    expect(seen.map((t) => [t.action, t.state.rule, t.state.pod])).toEqual([]);
    // The only round was discarded: no state was saved at all.
    const statePath = join(dir, 'state.json');
    expect(existsSync(statePath)).toBe(false);
    const state = await readFile(statePath, 'utf8').catch(() => '');
    expect(state).not.toContain('http-check-failed');
  }, 30_000);

  it('does not turn an aborted scrape into scrape-failed', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-run-abort-'));
    const target = await serve(() => undefined); // accepts the scrape and never answers
    const config = Config.parse({ targets: [{ name: 'app-0', url: `${target.url}/metrics`, timeout: '10s' }], interval: '1h', state: { dir } });
    const seen: Transition[] = [];
    const lines: string[] = [];
    const { run, stop } = start(config, {
      sinks: [{ write: async (ts: Transition[]) => void seen.push(...ts) }],
      logger: createLogger({ stream: { write: (l: string) => lines.push(l) } }),
    });
    await waitFor('the scrape', () => target.requests.length > 0 || undefined, 15_000);
    stop.abort();
    expect(await within(run, 10_000)).toBe('returned');
    expect(seen).toEqual([]);
    expect(existsSync(join(dir, 'state.json'))).toBe(false);
    expect(lines.some((l) => l.includes('round interrupted by shutdown'))).toBe(true);
  }, 30_000);

  it('keeps the state of the last complete round', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-run-abort-'));
    // The first check answers at once (round 1 completes and is saved), the next ones take 2 s.
    let n = 0;
    const server = await serve((_req, res) => {
      n += 1;
      if (n === 1) res.writeHead(200).end('ok');
      else setTimeout(() => res.writeHead(200).end('ok'), 2_000).unref();
    });
    const config = Config.parse({ checks: [{ name: 'api', url: server.url, failureThreshold: 1, timeout: '10s' }], interval: '100ms', state: { dir } });
    const statePath = join(dir, 'state.json');
    const seen: Transition[] = [];
    const { run, stop } = start(config, { sinks: [{ write: async (ts: Transition[]) => void seen.push(...ts) }] });
    await waitFor('round 2 in flight', () => server.requests.length > 1 || undefined, 15_000);
    const afterRound1 = await readFile(statePath, 'utf8');
    stop.abort();
    expect(await run).toBe(1);
    expect(seen).toEqual([]);
    expect(await readFile(statePath, 'utf8')).toBe(afterRound1);
  }, 30_000);
});

/**
 * DrainOptions.signal: "Shutdown: in-flight attempts are aborted and their jobs stay pending". Every drain of the
 * run loop gets the run signal (the round's and the webhook-triggered one), so SIGTERM during a delivery to a
 * slow or hung vendor ends the process within Kubernetes' 30 s grace instead of waiting out perAttemptTimeout and
 * the retries, and the notification is delivered by the next start.
 */
describe('run: a shutdown during delivery', () => {
  it('aborts the in-flight attempt and returns promptly', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-run-drain-'));
    const failing = await serve((_req, res) => res.writeHead(503).end());
    const hung = await serve(() => undefined); // the vendor accepts the connection and never answers
    const config = Config.parse({
      checks: [{ name: 'api', url: failing.url, failureThreshold: 1 }],
      interval: '1h',
      state: { dir },
      receivers: [{ name: 'hook', channel: { type: 'webhook', url: { env: 'HOOK_URL' }, secret: { env: 'HOOK_SECRET' } } }],
      routing: { route: { receiver: 'hook', groupWait: 0 } },
      delivery: { perAttemptTimeout: '20s', deadline: '60s', maxAttempts: 1 },
    });
    const { run, stop } = start(config, { env: { HOOK_URL: `${hung.url}/hook`, HOOK_SECRET } });
    await waitFor('the delivery attempt', () => hung.requests.length > 0 || undefined, 15_000);
    const t0 = Date.now();
    stop.abort(); // SIGTERM
    const outcome = await within(run, 10_000);
    expect(outcome, `runLoop after the abort (${Date.now() - t0} ms)`).toBe('returned');
    // The round itself was complete (the check failed for real): it was saved, and its notification stays pending.
    expect(await readFile(join(dir, 'state.json'), 'utf8')).toContain('http-check-failed');
    const outbox = await new OutboxFile(join(dir, 'outbox.jsonl')).read();
    expect(outbox.jobs.map((j) => j.receiver)).toEqual(['hook']);
    expect(existsSync(join(dir, 'dead-letter.jsonl'))).toBe(false);
  }, 30_000);

  it('aborts the background drain of an accepted Alertmanager webhook', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-run-drain-'));
    const hung = await serve(() => undefined);
    const config = Config.parse({
      interval: '1h',
      state: { dir },
      receiver: { port: 0, auth: 'none' },
      receivers: [{ name: 'hook', channel: { type: 'webhook', url: { env: 'HOOK_URL' }, secret: { env: 'HOOK_SECRET' } } }],
      routing: { route: { receiver: 'hook', groupWait: 0 } },
      delivery: { perAttemptTimeout: '20s', deadline: '60s' },
    });
    let receiverUrl: string | undefined;
    const { run, stop } = start(config, { env: { HOOK_URL: `${hung.url}/hook`, HOOK_SECRET }, onReady: (info) => void (receiverUrl = info.receiverUrl) });
    const url = await waitFor('the receiver', () => receiverUrl, 15_000);
    const res = await fetch(`${url}/alertmanager`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(amWebhook()) });
    expect(res.status).toBe(200);
    await waitFor('the delivery attempt', () => hung.requests.length > 0 || undefined, 15_000);
    stop.abort();
    expect(await within(run, 10_000)).toBe('returned');
    const outbox = await new OutboxFile(join(dir, 'outbox.jsonl')).read();
    expect(outbox.jobs.map((j) => j.receiver)).toEqual(['hook']);
  }, 30_000);
});

describe('Notifier.drain: the shared follow-up drain', () => {
  it('is aborted by the signal of the latest caller, not only the first', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-notifier-drain-'));
    const hung = await serve(() => undefined);
    const config = Config.parse({
      state: { dir },
      receiver: { auth: 'none' },
      receivers: [{ name: 'hook', channel: { type: 'webhook', url: { env: 'HOOK_URL' }, secret: { env: 'HOOK_SECRET' } } }],
      routing: { route: { receiver: 'hook', groupWait: 0 } },
      delivery: { perAttemptTimeout: '20s', deadline: '60s' },
    });
    const notifier = await Notifier.create({ config, logger: quiet(), env: { HOOK_URL: `${hung.url}/hook`, HOOK_SECRET } });
    await notifier.outbox.enqueue([job('n-1', 'hook')]);

    const first = new AbortController();
    const latest = new AbortController();
    const current = notifier.drain({ signal: first.signal }); // attempts the hung vendor
    await waitFor('the first attempt', () => hung.requests.length > 0 || undefined, 15_000);
    const followUpA = notifier.drain({}); // queued: the follow-up
    const followUpB = notifier.drain({ signal: latest.signal }); // shares it
    latest.abort();
    first.abort();
    expect(await within(Promise.all([current, followUpA, followUpB]), 10_000)).toBe('returned');
    expect(await within(notifier.idle(), 5_000)).toBe('returned');
    // The follow-up started with an aborted signal: it attempted nothing, and the job is still pending.
    expect(hung.requests).toHaveLength(1);
    expect((await followUpB).deferred).toHaveLength(1);
    expect((await notifier.outbox.pending()).jobs).toHaveLength(1);
  }, 30_000);
});

/** A v4 webhook as Alertmanager sends it. */
function amWebhook(): unknown {
  return {
    version: '4',
    groupKey: '{}:{alertname="CodexPoolerMemoryPressure"}',
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'pooler-watch',
    groupLabels: {},
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'http://alertmanager:9093',
    alerts: [
      {
        status: 'firing',
        labels: { alertname: 'CodexPoolerMemoryPressure', namespace: 'codex', pod: 'app-3', severity: 'critical', rule: 'memory-pressure' },
        annotations: { summary: 'memory pressure' },
        startsAt: new Date(Date.now() - 60_000).toISOString(),
        endsAt: new Date(Date.now() + 240_000).toISOString(),
        generatorURL: 'http://prometheus:9090/graph?g0.expr=up&g0.tab=1',
        fingerprint: '00000000000000a1',
      },
    ],
  };
}
