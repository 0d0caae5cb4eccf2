import { mkdtemp, readFile, writeFile, appendFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, ManualClock, type Simulator } from '../../functions/simulator/index.ts';
import { runCli } from '../helpers/cli.ts';
import { serve, type TestServer } from '../helpers/servers.ts';

const TOKEN = 'sim-token-Zx81vQ2mP0rT7yLk';
let dir: string;
let sim: Simulator;
let clock: ManualClock;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pooler-watch-cli-'));
  clock = new ManualClock(Date.parse('2026-11-24T10:00:00Z'));
  sim = await startSimulator({ clock, token: TOKEN, pods: 3, seed: 3 });
  await writeFile(join(dir, 'token'), TOKEN + '\n');
  await writeFile(join(dir, 'wrong-token'), 'not-the-token\n');
});
afterAll(async () => {
  await sim.close();
  await rm(dir, { recursive: true, force: true });
});

const EVENT_KEYS = ['ts', 'status', 'severity', 'rule', 'pod', 'target', 'fingerprint', 'summary'];

function events(text: string): Array<Record<string, string>> {
  return text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, string>);
}

describe('pooler-watch check', () => {
  it('scrapes a pod /metrics with a token file and reports vitals, exit 0 when healthy', async () => {
    const r = await runCli(['check', '--target', sim.metricsUrl(0), '--name', 'codex-pooler-app-0', '--token-file', join(dir, 'token')]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/target codex-pooler-app-0: HTTP 200/);
    expect(r.stdout).toMatch(/codex-pooler-app-0: .*BEAM \d+ MiB/);
    expect(r.code).toBe(0);
  });

  it('scrapes /federate and reports every pod, as JSON', async () => {
    const r = await runCli(['check', '--federate', '--target', sim.federateUrl, '--token-env', 'PROM_TOKEN', '--json'], {
      env: { PROM_TOKEN: TOKEN },
    });
    const report = JSON.parse(r.stdout) as { pods: Record<string, Record<string, number>>; targets: Array<{ ok: boolean }> };
    expect(report.targets[0]!.ok).toBe(true);
    expect(Object.keys(report.pods).sort()).toEqual([...sim.pods].sort());
    expect(report.pods[sim.pods[0]!]!.workingSetBytes).toBeGreaterThan(0);
    expect(report.pods[sim.pods[0]!]!.limitBytes).toBe(1024 ** 3);
  });

  it('a rejected token is critical (exit 2) and the token never appears in the output', async () => {
    const r = await runCli(['check', '--target', sim.metricsUrl(0), '--token-file', join(dir, 'wrong-token'), '--json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toContain('unauthorized');
    expect(r.stdout + r.stderr).not.toContain('not-the-token');
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
  });

  it('a target that accepts and never answers times out as a finding (exit 2)', async () => {
    const hang: TestServer = await serve(() => {});
    try {
      const config = join(dir, 'hang.yaml');
      await writeFile(config, `targets:\n  - name: hanging\n    url: ${hang.url}/metrics\n    timeout: 300ms\n    connectTimeout: 200ms\n`);
      const r = await runCli(['check', '--config', config, '--json']);
      expect(r.code).toBe(2);
      expect(JSON.parse(r.stdout).targets[0]).toMatchObject({ ok: false, reason: 'timeout' });
    } finally {
      await hang.close();
    }
  });

  it.each([
    ['malformed exposition', 'text/plain; version=0.0.4', 'vm_memory_total_bytes{pod="a" 12\n', 'parse-error'],
    ['an HTML page', 'text/html', '<html><body>login BODYMARK-7731</body></html>', 'not-exposition'],
    ['hostile label value', 'text/plain', `x{a="${'\\'.repeat(9999)}q"} 1\n`, 'parse-error'],
  ])('%s is a warning finding, not a crash', async (_name, type, body, reason) => {
    const bad = await serve((_req, res) => res.writeHead(200, { 'content-type': type }).end(body));
    try {
      const r = await runCli(['check', '--target', `${bad.url}/metrics`, '--json']);
      expect(JSON.parse(r.stdout).targets[0]).toMatchObject({ ok: false, reason });
      expect(r.stdout).not.toContain('BODYMARK-7731');
      expect(r.code).toBe(1);
    } finally {
      await bad.close();
    }
  });

  it('an oversized body is aborted at the cap', async () => {
    const big = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const line = 'vm_memory_total_bytes 1\n'.repeat(4096);
      let sent = 0;
      const pump = () => {
        while (sent < 4096 && res.write(line)) sent++;
        if (sent < 4096) res.once('drain', pump);
        else res.end();
      };
      pump();
    });
    try {
      const config = join(dir, 'big.yaml');
      await writeFile(config, `targets:\n  - name: big\n    url: ${big.url}/metrics\n    maxBytes: 65536\n`);
      const r = await runCli(['check', '--config', config, '--json']);
      expect(JSON.parse(r.stdout).targets[0]).toMatchObject({ ok: false, reason: 'too-large' });
    } finally {
      await big.close();
    }
  });

  it('a bad config names the bad path (exit 3)', async () => {
    const config = join(dir, 'bad.yaml');
    await writeFile(config, 'targets:\n  - name: x\n    url: ftp://nope\n    timeout: soon\n');
    const r = await runCli(['check', '--config', config]);
    expect(r.code).toBe(3);
    expect(r.stderr).toContain('targets.0.url');
    expect(r.stderr).toContain('targets.0.timeout');
  });
});

describe('pooler-watch run', () => {
  it('runs rounds against the simulator, persists state atomically and resumes from it', async () => {
    const stateDir = join(dir, 'state');
    const config = join(dir, 'run.yaml');
    await writeFile(
      config,
      `interval: 10ms\nstate: { dir: ${stateDir} }\ntargets:\n  - name: prometheus\n    kind: federate\n    url: ${sim.federateUrl}\n    token: { file: ${join(dir, 'token')} }\n`,
    );
    const r = await runCli(['run', '--config', config, '--rounds', '3', '--events', join(dir, 'run-events.jsonl')]);
    expect(r.code).toBe(0);
    const state = JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')) as { version: number };
    expect(state.version).toBeGreaterThanOrEqual(3);
    const again = await runCli(['run', '--config', config, '--rounds', '1']);
    expect(again.code).toBe(0);
    const resumed = JSON.parse(await readFile(join(stateDir, 'state.json'), 'utf8')) as { version: number };
    expect(resumed.version).toBe(state.version + 1);
    expect(await readFile(join(stateDir, 'state.json'), 'utf8')).not.toContain(TOKEN);
  });
});

describe('pooler-watch record and replay', () => {
  it('records a leak over simulated time and replays it into alert events in the design.md format', async () => {
    const leakClock = new ManualClock(Date.parse('2026-11-24T10:00:00Z'));
    const leakSim = await startSimulator({ clock: leakClock, pods: 2, seed: 11 });
    const recording = join(dir, 'leak.jsonl');
    try {
      // 30 min healthy, then the leak until well past the OOM: one federate scrape every 30 simulated seconds.
      for (let i = 0; i < 60 * 5; i++) {
        if (i === 60) leakSim.setScenario('binary-leak');
        leakClock.advance(30_000);
        const body = await (await fetch(`${leakSim.federateUrl}?match[]=${encodeURIComponent('{namespace="codex-pooler"}')}`)).text();
        await appendFile(recording, JSON.stringify({ ts: new Date(leakClock.now()).toISOString(), target: 'prometheus', exposition: body }) + '\n');
      }
    } finally {
      await leakSim.close();
    }
    const r = await runCli(['replay', recording]);
    expect(r.code).toBe(0);
    const evs = events(r.stdout);
    for (const e of evs) expect(Object.keys(e)).toEqual(EVENT_KEYS);
    const leakPod = 'codex-pooler-app-0';
    const leakStart = Date.parse('2026-11-24T10:30:00Z');
    const firing = evs.filter((e) => e.status === 'firing');
    expect(firing.filter((e) => Date.parse(e.ts!) < leakStart && e.severity === 'critical')).toEqual([]);
    const kill = firing.find((e) => e.rule === 'oom-killed' && e.pod === leakPod);
    expect(kill).toBeDefined();
    const page = firing.find((e) => e.pod === leakPod && e.severity === 'critical' && e.rule !== 'oom-killed');
    expect(page).toBeDefined();
    expect(Date.parse(page!.ts!)).toBeLessThan(Date.parse(kill!.ts!));
    // Replay is deterministic: the same recording gives the same events.
    const again = await runCli(['replay', recording]);
    expect(again.stdout).toBe(r.stdout);
  });

  it('reports bad lines with their number, keeps going, and exits 1', async () => {
    const file = join(dir, 'bad.jsonl');
    await writeFile(
      file,
      [
        JSON.stringify({ ts: '2026-11-24T10:00:00Z', target: 'a', exposition: 'vm_memory_total_bytes 1\n' }),
        '{not json',
        JSON.stringify({ ts: 'yesterday', exposition: '' }),
        JSON.stringify({ ts: '2026-11-24T10:01:00Z', exposition: 'bad{ 1\n' }),
        JSON.stringify({ ts: '2026-11-24T10:02:00Z', target: 'a', exposition: 'vm_memory_total_bytes 2\n' }),
      ].join('\n') + '\n',
    );
    const r = await runCli(['replay', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`${file}:2: not valid JSON`);
    expect(r.stderr).toContain(`${file}:3: ts`);
    expect(r.stderr).toMatch(new RegExp(`${file}:4: exposition 1:\\d+`));
    expect(r.stderr).toContain('replayed 2 scrapes');
  });

  it('record writes one line per scrape in the recording format', async () => {
    const out = join(dir, 'rec.jsonl');
    const r = await runCli(['record', '--target', sim.metricsUrl(1), '--name', 'pod-1', '--token-file', join(dir, 'token'), '--out', out, '--count', '2', '--interval', '1ms']);
    expect(r.code).toBe(0);
    const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Record<string, string>);
    expect(lines).toHaveLength(2);
    expect(Object.keys(lines[0]!)).toEqual(['ts', 'target', 'exposition']);
    expect(lines[0]!.target).toBe('pod-1');
    expect(lines[0]!.exposition).toContain('vm_memory_total_bytes');
    expect((await stat(out)).size).toBeGreaterThan(1000);
  });
});

describe('pooler-watch demo', () => {
  it('catches the binary leak well before the OOM kill and stays quiet while healthy', async () => {
    const eventsFile = join(dir, 'demo-events.jsonl');
    const r = await runCli(['demo', '--events', eventsFile]);
    expect(r.stdout).toContain('result: OK');
    expect(r.code).toBe(0);
    const evs = events(await readFile(eventsFile, 'utf8'));
    const kill = evs.find((e) => e.rule === 'oom-killed');
    const firstPage = evs.find((e) => e.status === 'firing' && e.severity === 'critical' && e.rule !== 'oom-killed');
    expect(kill && firstPage).toBeTruthy();
    expect(Date.parse(kill!.ts!) - Date.parse(firstPage!.ts!)).toBeGreaterThanOrEqual(10 * 60_000);
    expect(evs.some((e) => e.status === 'resolved')).toBe(true);
    expect(r.stdout).not.toMatch(/sim-token|Bearer /);
  });
});

describe('the installed command', () => {
  it('prints usage with exit 0 for --help and 2 for an unknown command', async () => {
    expect((await runCli(['--help'])).code).toBe(0);
    const r = await runCli(['frobnicate']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('unknown command');
  });
});
