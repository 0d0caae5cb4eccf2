import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Config } from '../../functions/config/schema.ts';
import { startSimulator, ManualClock, type Simulator } from '../../functions/simulator/index.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import { buildWatcher, resolveTargets } from '../../functions/runtime/build-watcher.ts';
import { probeRound } from '../../functions/runtime/probe-round.ts';
import { afterRound } from '../../functions/runtime/deliver.ts';
import { Notifier } from '../../functions/runtime/notifier.ts';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts';
import { runCli } from '../helpers/cli.ts';

const SIM_TOKEN = 'simtok-Q7hZ2kLmN9pR4sT6vW8x';
const PD_KEY = 'pdkey-R0utingKey-8c1f2e3d4a5b';
const SLACK_PATH = 'T000/B000/slackPathSecret9f8e7d6c';
const HOOK_SECRET = 'hooksecret-5e4d3c2b1a09f8e7';
const env = { SIM_TOKEN, PD_KEY, SLACK_URL: '', HOOK_SECRET };

let dir: string;
let sim: Simulator;
let clock: ManualClock;
let pd: CaptureServer;
let slack: CaptureServer;
let hook: CaptureServer;
let logLines: string[];

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pooler-watch-pipeline-'));
  clock = new ManualClock(Date.parse('2026-11-24T10:00:00Z'));
  sim = await startSimulator({ clock, token: SIM_TOKEN, pods: 3, seed: 5 });
  pd = await startCaptureServer({ status: 202, body: { status: 'success', dedup_key: 'x' } });
  slack = await startCaptureServer({ status: 200, body: 'ok' });
  hook = await startCaptureServer({ status: 200, body: {} });
  env.SLACK_URL = `${slack.url}/services/${SLACK_PATH}`;
  logLines = [];
});
afterEach(async () => {
  await Promise.all([sim.close(), pd.close(), slack.close(), hook.close()]);
  await rm(dir, { recursive: true, force: true });
});

function config(extra: Record<string, unknown> = {}): Config {
  return Config.parse({
    targets: [{ name: 'prometheus', kind: 'federate', url: sim.federateUrl, token: { env: 'SIM_TOKEN' } }],
    interval: '30s',
    state: { dir },
    receivers: [
      { name: 'pager', channel: { type: 'pagerduty', routingKey: { env: 'PD_KEY' }, baseUrl: pd.url } },
      { name: 'chat', channel: { type: 'slack', webhookUrl: { env: 'SLACK_URL' } } },
      { name: 'hook', channel: { type: 'webhook', url: { env: 'SLACK_URL' }, secret: { env: 'HOOK_SECRET' } } },
    ],
    routing: {
      route: {
        receiver: 'chat',
        groupWait: '30s',
        groupInterval: '1m',
        routes: [
          { matchers: ['severity="critical"'], receiver: 'pager', fallback: 'hook', continue: true },
          { matchers: ['severity=~"warning|critical"'], receiver: 'chat' },
          { matchers: ['severity="info"'], receiver: 'hook' },
        ],
      },
      inhibitRules: 'default',
      silences: [{ matchers: ['pod="codex-pooler-app-2"'], endsAt: '2099-01-01T00:00:00Z', comment: 'migration' }],
    },
    delivery: { maxAttempts: 2, baseDelay: 5, maxDelay: 10, deadline: '5s' },
    ...extra,
  });
}

/** Runs rounds every 30 simulated seconds: healthy, then a binary leak until the OOM kill, then the fix. */
async function scenario(cfg: Config): Promise<void> {
  const logger = createLogger({ stream: { write: (l: string) => logLines.push(l) } });
  const watcher = buildWatcher(cfg);
  const notifier = await Notifier.create({ config: cfg, logger, env, now: () => clock.now() });
  const targets = await resolveTargets(cfg, env);
  const round = async () => {
    clock.advance(30_000);
    const r = await probeRound(targets, watcher, () => clock.now());
    await afterRound(r.transitions, r.now, { watcher, notifier, sinks: [], logger });
    return r.transitions;
  };
  for (let i = 0; i < 60; i++) await round();
  sim.setScenario('binary-leak');
  let killed = false;
  for (let i = 0; i < 240 && !killed; i++) killed = (await round()).some((t) => t.state.rule === 'oom-killed' && t.action === 'trigger');
  expect(killed).toBe(true);
  sim.setScenario('healthy');
  for (let i = 0; i < 60; i++) await round();
}

type PdEvent = { routing_key: string; event_action: string; dedup_key: string; payload?: { severity: string; summary: string } };

describe('the alert pipeline, end to end over real HTTP', () => {
  it('pages PagerDuty once per incident and resolves with the same key; warnings go to chat; info never pages', async () => {
    await scenario(config());
    const events = pd.requests.map((r) => r.json as PdEvent);
    expect(events.length).toBeGreaterThan(0);
    const triggers = events.filter((e) => e.event_action === 'trigger');
    expect(triggers.every((e) => e.payload?.severity === 'critical')).toBe(true);
    expect(triggers.some((e) => e.payload?.summary.includes('OOM'))).toBe(true);
    const resolves = events.filter((e) => e.event_action === 'resolve');
    for (const r of resolves) expect(triggers.map((t) => t.dedup_key)).toContain(r.dedup_key);
    // Exactly once: the same trigger (dedup key + summary) is never sent twice.
    const seen = triggers.map((t) => `${t.dedup_key}|${t.payload?.summary}`);
    expect(new Set(seen).size).toBe(seen.length);
    expect(slack.requests.length).toBeGreaterThan(0);
    expect(slack.requests.every((r) => r.path === `/services/${SLACK_PATH}`)).toBe(true);
    // The silenced pod never reaches anyone.
    const everything = [...pd.requests, ...slack.requests, ...hook.requests].map((r) => r.body).join('\n');
    expect(everything).not.toContain('codex-pooler-app-2');
  });

  it('no secret appears in any outgoing payload or log line, except where the vendor requires it', async () => {
    await scenario(config());
    for (const r of pd.requests) {
      const { routing_key, ...rest } = r.json as PdEvent;
      expect(routing_key).toBe(PD_KEY);
      expect(JSON.stringify(rest)).not.toContain(PD_KEY);
    }
    const bodies = [...pd.requests.map((r) => JSON.stringify({ ...(r.json as object), routing_key: '' })), ...slack.requests.map((r) => r.body), ...hook.requests.map((r) => r.body), ...logLines];
    for (const secret of [SIM_TOKEN, PD_KEY, SLACK_PATH, HOOK_SECRET, encodeURIComponent(SLACK_PATH), Buffer.from(SIM_TOKEN).toString('base64')]) {
      for (const text of bodies) expect(text).not.toContain(secret);
    }
  });

  it('a pager that keeps failing hands its pages to the fallback, and the failure is reported', async () => {
    pd.fallback = { status: 401, body: { status: 'invalid routing key' } };
    await scenario(config());
    const fallbackPages = hook.requests.length + slack.requests.filter((r) => r.body.includes('fallback')).length;
    expect(fallbackPages).toBeGreaterThan(0);
    expect(logLines.some((l) => l.includes('sent to its fallback'))).toBe(true);
    const deadLetters = await readFile(join(dir, 'dead-letter.jsonl'), 'utf8').catch(() => '');
    expect(deadLetters).toBe('');
  });
});

describe('notify-test and redrive', () => {
  it('notify-test sends a labelled test through a receiver, and reports a rejected one', async () => {
    const file = join(dir, 'config.json');
    await writeFile(file, JSON.stringify({
      targets: [{ name: 'x', url: 'http://127.0.0.1:9/metrics' }],
      state: { dir },
      receivers: [
        { name: 'pager', channel: { type: 'pagerduty', routingKey: { env: 'PD_KEY' }, baseUrl: pd.url } },
        { name: 'broken', channel: { type: 'webhook', url: { env: 'SLACK_URL' }, secret: { env: 'HOOK_SECRET' } } },
      ],
      delivery: { maxAttempts: 1 },
    }));
    const ok = await runCli(['notify-test', '--config', file, '--receiver', 'pager'], { env });
    expect(ok.stdout).toContain('sent a test notification to pager');
    expect(ok.code).toBe(0);
    expect((pd.requests[0]!.json as PdEvent).dedup_key).toMatch(/^test/);
    slack.fallback = { status: 403, body: 'no' };
    const bad = await runCli(['notify-test', '--config', file, '--receiver', 'broken'], { env });
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain('FAILED');
    expect(bad.stdout + bad.stderr).not.toContain(SLACK_PATH);
    const missing = await runCli(['notify-test', '--config', file, '--receiver', 'nope'], { env });
    expect(missing.stdout).toContain('no receiver named "nope"');
  });

  it('a notification that exhausted every route is dead-lettered and redrive sends it once the receiver recovers', async () => {
    const file = join(dir, 'config.json');
    const cfg = {
      targets: [{ name: 'prometheus', kind: 'federate', url: sim.federateUrl, token: { env: 'SIM_TOKEN' } }],
      state: { dir },
      receivers: [{ name: 'pager', channel: { type: 'pagerduty', routingKey: { env: 'PD_KEY' }, baseUrl: pd.url } }],
      delivery: { maxAttempts: 1 },
    };
    await writeFile(file, JSON.stringify(cfg));
    pd.fallback = { status: 400, body: {} };
    await scenario(Config.parse(cfg));
    const letters = (await readFile(join(dir, 'dead-letter.jsonl'), 'utf8')).trim().split('\n');
    expect(letters.length).toBeGreaterThan(0);
    pd.fallback = { status: 202, body: {} };
    const before = pd.requests.length;
    const r = await runCli(['redrive', '--config', file], { env });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`redrove ${letters.length} dead letters`));
    expect(pd.requests.length).toBeGreaterThan(before);
    expect((await readFile(join(dir, 'dead-letter.jsonl'), 'utf8')).trim()).toBe('');
  });
});
