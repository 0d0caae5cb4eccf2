import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMetricNames as N } from '../../functions/config/metric-names.ts';
import { ManualClock, startSimulator, type Simulator } from '../../functions/simulator/index.ts';
import { pick, readExposition, valueOf } from './read-exposition.ts';

const TOKEN = 'sim-token-9f8e7d';
const auth = { Authorization: `Bearer ${TOKEN}` };

/** Names served by a pod's own /metrics (histograms by family name). */
const APP_FAMILIES = Object.entries(N)
  .filter(([key]) => !['workingSet', 'rss', 'cache', 'cgroupUsage', 'specLimit', 'containerStart', 'kubeLimit', 'restarts', 'lastTerminatedReason'].includes(key))
  .map(([, name]) => name);

async function get(url: string, init: RequestInit = {}): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(5_000) });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

function federate(sim: Simulator, ...match: string[]): string {
  const q = new URLSearchParams();
  for (const m of match) q.append('match[]', m);
  return `${sim.federateUrl}?${q.toString()}`;
}

describe('simulator HTTP server', () => {
  const clock = new ManualClock();
  let sim: Simulator;

  beforeAll(async () => {
    sim = await startSimulator({ token: TOKEN, clock, seed: 7 });
  });
  afterAll(async () => {
    await sim.close();
  });

  it('listens on 127.0.0.1 and names three pods', () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(sim.pods).toEqual(['codex-pooler-app-0', 'codex-pooler-app-1', 'codex-pooler-app-2']);
    expect(sim.metricsUrl()).toBe(`${sim.url}/metrics`);
    expect(sim.metricsUrl(2)).toBe(`${sim.url}/pods/codex-pooler-app-2/metrics`);
    expect(() => sim.metricsUrl(3)).toThrow(RangeError);
  });

  it('serves /healthz without a token', async () => {
    const res = await get(`${sim.url}/healthz`);
    expect(res.status).toBe(200);
    expect(res.body.trim()).toBe('ok');
  });

  it.each([
    ['no header', {}],
    ['a wrong token', { Authorization: 'Bearer nope' }],
    ['the token without the scheme', { Authorization: TOKEN }],
    ['a basic scheme', { Authorization: `Basic ${TOKEN}` }],
  ])('answers 401 with no detail for %s', async (_, headers) => {
    for (const url of [sim.metricsUrl(), sim.metricsUrl(1), federate(sim, 'up'), `${sim.url}/nope`]) {
      const res = await get(url, { headers });
      expect(res.status).toBe(401);
      expect(res.body).not.toContain(TOKEN);
      expect(res.body.trim()).toBe('Unauthorized');
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    }
  });

  it('serves every runbook app family on /metrics, typed, without pod label or timestamps', async () => {
    const res = await get(sim.metricsUrl(), { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const exp = readExposition(res.body);
    for (const name of APP_FAMILIES) {
      expect(exp.types.has(name), name).toBe(true);
      expect(exp.helps.get(name), name).toBeTruthy();
    }
    expect(exp.types.get(N.httpDuration)).toBe('histogram');
    expect(exp.types.get(N.repoQueries)).toBe('counter');
    expect(exp.types.get(N.beamBinary)).toBe('gauge');
    expect(pick(exp, N.repoQueries, { source: 'unknown' }).length).toBeGreaterThan(0);
    for (const s of exp.samples) {
      expect(s.labels).not.toHaveProperty('pod');
      expect(s.labels).not.toHaveProperty('namespace');
      expect(s.timestamp).toBeUndefined();
    }
    // erlang:memory semantics: total = processes + system.
    expect(valueOf(exp, N.beamTotal)).toBe(valueOf(exp, N.beamProcesses) + valueOf(exp, N.beamSystem));
  });

  it('serves each pod under /pods/<pod>/metrics, pod 0 also at /metrics, and 404 for an unknown pod', async () => {
    const root = await get(sim.metricsUrl(), { headers: auth });
    const pod0 = await get(sim.metricsUrl(0), { headers: auth });
    const pod1 = await get(sim.metricsUrl(1), { headers: auth });
    expect(pod0.body).toBe(root.body);
    expect(pod1.status).toBe(200);
    expect(pod1.body).not.toBe(pod0.body);
    expect((await get(`${sim.url}/pods/codex-pooler-app-9/metrics`, { headers: auth })).status).toBe(404);
  });

  it('federates every pod with Kubernetes labels and timestamps every sample', async () => {
    const res = await get(federate(sim, '{namespace="codex-pooler"}'), { headers: auth });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const exp = readExposition(res.body);
    expect(exp.samples.length).toBeGreaterThan(1000);
    for (const s of exp.samples) {
      expect(s.timestamp).toBe(sim.model.timeMs);
      expect(exp.types.get(s.name)).toBe('untyped');
    }
    const ws = pick(exp, N.workingSet);
    expect(ws.map((s) => s.labels.pod)).toEqual(sim.pods);
    expect(ws[1]!.labels).toEqual({
      namespace: 'codex-pooler',
      pod: 'codex-pooler-app-1',
      container: 'app',
      image: 'ghcr.io/example/codex-pooler:1.0.0',
      instance: expect.stringMatching(/:10250$/),
      job: 'kubelet',
    });
    expect(pick(exp, N.restarts)[0]!.labels).toEqual({
      namespace: 'codex-pooler',
      pod: 'codex-pooler-app-0',
      exported_container: 'app',
      container: 'kube-state-metrics',
      job: 'kube-state-metrics',
    });
    expect(valueOf(exp, N.kubeLimit, { pod: 'codex-pooler-app-2', resource: 'memory', unit: 'byte' })).toBe(1073741824);
    expect(pick(exp, N.lastTerminatedReason)).toEqual([]);
    expect(pick(exp, N.beamBinary, { pod: 'codex-pooler-app-2' })[0]!.labels).toEqual({
      namespace: 'codex-pooler',
      job: 'codex-pooler-app',
      pod: 'codex-pooler-app-2',
      instance: expect.stringMatching(/:4000$/),
    });
    expect(pick(exp, `${N.repoQueueTime}_bucket`, { pod: 'codex-pooler-app-0', le: '+Inf' }).length).toBeGreaterThan(0);
  });

  it('honours match[]: names, label matchers, anchored regexes, and a union of selectors', async () => {
    const read = async (...m: string[]): Promise<ReturnType<typeof readExposition>> =>
      readExposition((await get(federate(sim, ...m), { headers: auth })).body);

    const ws = await read(N.workingSet);
    expect(ws.samples.map((s) => s.name)).toEqual([N.workingSet, N.workingSet, N.workingSet]);

    const one = await read(`${N.beamBinary}{pod="codex-pooler-app-1"}`);
    expect(one.samples.map((s) => s.labels.pod)).toEqual(['codex-pooler-app-1']);

    const re = await read('{__name__=~"vm_memory_.*_bytes",pod=~"codex-pooler-app-[02]",pod!="codex-pooler-app-2"}');
    expect(new Set(re.samples.map((s) => s.labels.pod))).toEqual(new Set(['codex-pooler-app-0']));
    expect(re.samples).toHaveLength(8);

    expect((await read('{__name__=~"memory"}')).samples).toEqual([]);
    expect((await read('{__name__=~"vm_memory_binary_byte"}')).samples).toEqual([]);

    const union = await read(N.rss, `${N.rss}{pod="codex-pooler-app-0"}`, N.restarts);
    expect(union.samples.filter((s) => s.name === N.rss)).toHaveLength(3);
    expect(union.samples.filter((s) => s.name === N.restarts)).toHaveLength(3);

    const notKubelet = await read(`${N.rss}{job!~"kube.*"}`, `{job="kube-state-metrics",pod!~".*-[12]"}`);
    expect(notKubelet.samples.every((s) => s.labels.job === 'kube-state-metrics' && s.labels.pod === 'codex-pooler-app-0')).toBe(true);
  });

  it.each([
    ['no match[]', []],
    ['an unclosed brace', ['vm_memory_total_bytes{']],
    ['an empty selector', ['{}']],
    ['a selector matching everything', ['{job=~".*"}']],
    ['an invalid regex', ['{job=~"("}']],
    ['a bad operator', ['{job=="x"}']],
    ['an unquoted value', ['{job=x}']],
    ['one bad selector among good ones', ['up', 'up{']],
  ])('answers 400 for %s', async (_, match) => {
    const res = await get(federate(sim, ...match), { headers: auth });
    expect(res.status).toBe(400);
  });

  it('answers 404 for unknown paths and 405 for other methods', async () => {
    expect((await get(`${sim.url}/nope`, { headers: auth })).status).toBe(404);
    const post = await get(sim.metricsUrl(), { method: 'POST', headers: auth, body: 'x' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers HEAD with headers and no body', async () => {
    const res = await get(sim.metricsUrl(), { method: 'HEAD', headers: auth });
    expect(res.status).toBe(200);
    expect(res.body).toBe('');
    expect(Number(res.headers.get('content-length'))).toBeGreaterThan(1000);
  });

  it('advances the model to the clock on each request', async () => {
    const before = sim.model.timeMs;
    clock.advance(10 * 60_000);
    const exp = readExposition((await get(federate(sim, N.containerStart), { headers: auth })).body);
    expect(exp.samples[0]!.timestamp).toBe(before + 10 * 60_000);
  });
});

describe('simulator scenario switching over HTTP', () => {
  it('starts a binary leak at the switch time and OOM-kills the leak pod 60–90 sim minutes later', async () => {
    const clock = new ManualClock();
    const sim = await startSimulator({ clock, leakPod: 1 });
    try {
      clock.advance(2 * 3_600_000);
      sim.setScenario('binary-leak');
      const switchedAt = clock.now();
      let oomAt: number | undefined;
      for (let minute = 1; minute <= 120 && oomAt === undefined; minute++) {
        clock.advance(60_000);
        const res = await get(federate(sim, N.restarts), { headers: {} });
        const restarts = valueOf(readExposition(res.body), N.restarts, { pod: 'codex-pooler-app-1' });
        if (restarts > 0) oomAt = clock.now();
      }
      expect(oomAt).toBeDefined();
      const minutes = (oomAt! - switchedAt) / 60_000;
      expect(minutes).toBeGreaterThanOrEqual(60);
      expect(minutes).toBeLessThanOrEqual(90);
    } finally {
      await sim.close();
    }
  });
});
