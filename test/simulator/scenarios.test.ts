import { describe, expect, it } from 'vitest';
import { defaultMetricNames as N } from '../../functions/config/metric-names.ts';
import {
  createModel,
  DEFAULT_START_MS,
  renderAppMetrics,
  renderFederate,
  type SimModel,
} from '../../functions/simulator/index.ts';
import { readExposition, sumOf, valueOf, type ReadExposition } from './read-exposition.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function fed(model: SimModel): ReadExposition {
  return readExposition(renderFederate(model, ['{namespace="codex-pooler"}']));
}
const pod = (i: number): { pod: string } => ({ pod: `codex-pooler-app-${i}` });

/** Scrapes the federate view every `everyMs` for `forMs`, from the model's current time. */
function scrapeEvery(model: SimModel, everyMs: number, forMs: number): Array<{ t: number; exp: ReadExposition }> {
  const start = model.timeMs;
  const out: Array<{ t: number; exp: ReadExposition }> = [];
  for (let t = start + everyMs; t <= start + forMs; t += everyMs) {
    model.advanceTo(t);
    out.push({ t, exp: fed(model) });
  }
  return out;
}

describe('binary-leak', () => {
  const model = createModel({ scenario: 'binary-leak' });
  const scrapes = scrapeEvery(model, MIN, 3 * HOUR);
  const restarts = scrapes.map((s) => valueOf(s.exp, N.restarts, pod(0)));
  const firstOom = restarts.findIndex((r) => r === 1);

  it('OOM-kills the leak pod 60–90 sim minutes after the switch', () => {
    expect(firstOom).toBeGreaterThan(0);
    const minutes = (scrapes[firstOom]!.t - DEFAULT_START_MS) / MIN;
    expect(minutes).toBeGreaterThanOrEqual(60);
    expect(minutes).toBeLessThanOrEqual(90);
  });

  it('grows binary memory ~8–12 MiB per minute with working set approaching the limit', () => {
    const at = (i: number, name: string): number => valueOf(scrapes[i]!.exp, name, pod(0));
    const perMin = (at(40, N.beamBinary) - at(10, N.beamBinary)) / 30 / MiB;
    expect(perMin).toBeGreaterThan(8);
    expect(perMin).toBeLessThan(12);
    expect(at(firstOom - 1, N.workingSet)).toBeGreaterThan(0.85 * GiB);
    expect(at(firstOom - 1, N.workingSet)).toBeLessThan(GiB);
    expect(at(firstOom, N.workingSet)).toBeLessThan(0.5 * GiB);
  });

  it('records the kill: restarts +1, last terminated reason OOMKilled, container start at the kill time', () => {
    const before = scrapes[firstOom - 1]!.exp;
    const after = scrapes[firstOom]!.exp;
    expect(sumOf(before, N.lastTerminatedReason, pod(0))).toBe(0);
    expect(valueOf(after, N.lastTerminatedReason, { ...pod(0), reason: 'OOMKilled' })).toBe(1);
    const startedSec = valueOf(after, N.containerStart, pod(0));
    expect(startedSec * 1000).toBeGreaterThan(scrapes[firstOom - 1]!.t);
    expect(startedSec * 1000).toBeLessThanOrEqual(scrapes[firstOom]!.t);
    expect(valueOf(before, N.containerStart, pod(0)) * 1000).toBeLessThan(DEFAULT_START_MS);
  });

  it('resets the pod counters on restart and keeps them monotonic otherwise', () => {
    const requests = scrapes.map((s) => sumOf(s.exp, N.httpRequests, pod(0)));
    for (let i = 1; i < requests.length; i++) {
      if (restarts[i] === restarts[i - 1]) expect(requests[i]).toBeGreaterThanOrEqual(requests[i - 1]!);
      else expect(requests[i]).toBeLessThan(requests[i - 1]!);
    }
    expect(requests[firstOom]).toBeLessThan(21 * 60 * 2); // at most ~a minute of traffic since the restart
    const oversized = scrapes.map((s) => valueOf(s.exp, N.streamBufferOversized, pod(0)));
    expect(oversized[firstOom - 1]).toBeGreaterThan(0);
  });

  it('keeps leaking after the restart (a second OOM) and leaves the other pods alone', () => {
    expect(restarts.at(-1)).toBeGreaterThanOrEqual(2);
    const last = scrapes.at(-1)!.exp;
    expect(valueOf(last, N.restarts, pod(1))).toBe(0);
    expect(valueOf(last, N.restarts, pod(2))).toBe(0);
    expect(valueOf(last, N.workingSet, pod(1))).toBeLessThan(0.5 * GiB);
  });
});

describe('non-beam-growth', () => {
  it('grows RSS and working set while BEAM total stays flat, then OOMs', () => {
    const model = createModel({ scenario: 'non-beam-growth' });
    const scrapes = scrapeEvery(model, 5 * MIN, 100 * MIN);
    const at = (i: number, name: string): number => valueOf(scrapes[i]!.exp, name, pod(0));
    // index 10 = 55 min, before the OOM.
    expect(at(10, N.rss) - at(0, N.rss)).toBeGreaterThan(350 * MiB);
    expect(Math.abs(at(10, N.beamTotal) - at(0, N.beamTotal))).toBeLessThan(40 * MiB);
    expect(valueOf(scrapes.at(-1)!.exp, N.lastTerminatedReason, { ...pod(0), reason: 'OOMKilled' })).toBe(1);
  });
});

describe('process-leak', () => {
  it('climbs process count, processes memory and run queue', () => {
    const model = createModel({ scenario: 'process-leak', leakPod: 2 });
    const scrapes = scrapeEvery(model, MIN, 90 * MIN);
    const at = (i: number, name: string, p = 2): number => valueOf(scrapes[i]!.exp, name, pod(p));
    expect(at(89, N.processCount)).toBeGreaterThan(2 * at(0, N.processCount));
    expect(at(89, N.beamProcesses) - at(0, N.beamProcesses)).toBeGreaterThan(200 * MiB);
    const queue = (p: number): number => scrapes.slice(-10).reduce((a, s) => a + valueOf(s.exp, N.runQueueTotal, pod(p)), 0) / 10;
    expect(queue(2)).toBeGreaterThan(5);
    expect(queue(0)).toBeLessThan(2);
    expect(sumOf(scrapes.at(-1)!.exp, N.admissionRejected, pod(2))).toBeGreaterThan(0);
    expect(at(89, N.processCount, 0)).toBeLessThan(4000);
  });
});

describe('restart-loop', () => {
  it('crashes the leak pod with reason Error about every 3 sim minutes', () => {
    const model = createModel({ scenario: 'restart-loop' });
    model.advanceTo(DEFAULT_START_MS + 30 * MIN);
    const exp = fed(model);
    const restarts = valueOf(exp, N.restarts, pod(0));
    expect(restarts).toBeGreaterThanOrEqual(8);
    expect(restarts).toBeLessThanOrEqual(12);
    expect(valueOf(exp, N.lastTerminatedReason, { ...pod(0), reason: 'Error' })).toBe(1);
    expect(valueOf(exp, N.containerStart, pod(0)) * 1000).toBeGreaterThan(model.timeMs - 4 * MIN);
    expect(valueOf(exp, N.restarts, pod(1))).toBe(0);
  });
});

describe('page-cache-heavy', () => {
  it('keeps working set ≥ 90% of the limit from page cache while RSS stays ~35%, without OOM', () => {
    const model = createModel({ scenario: 'page-cache-heavy' });
    model.advanceTo(DEFAULT_START_MS + 10 * MIN);
    for (const { exp } of scrapeEvery(model, 10 * MIN, 6 * HOUR)) {
      const ws = valueOf(exp, N.workingSet, pod(0));
      const rss = valueOf(exp, N.rss, pod(0));
      expect(ws).toBeGreaterThanOrEqual(0.9 * GiB);
      expect(ws).toBeLessThan(GiB);
      expect(rss).toBeLessThan(0.4 * GiB);
      expect(valueOf(exp, N.cache, pod(0))).toBeGreaterThan(0.5 * GiB);
      expect(valueOf(exp, N.cgroupUsage, pod(0))).toBe(rss + valueOf(exp, N.cache, pod(0)));
      expect(valueOf(exp, N.restarts, pod(0))).toBe(0);
    }
  });
});

describe('healthy', () => {
  it('stays flat over 6 sim hours: no restarts, bounded memory, no trend, quiet error counters', () => {
    const model = createModel({ scenario: 'healthy' });
    const scrapes = scrapeEvery(model, 5 * MIN, 6 * HOUR);
    for (const p of [0, 1, 2]) {
      const ws = scrapes.map((s) => valueOf(s.exp, N.workingSet, pod(p)));
      const beam = scrapes.map((s) => valueOf(s.exp, N.beamTotal, pod(p)));
      const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
      expect(Math.min(...beam)).toBeGreaterThan(240e6);
      expect(Math.max(...beam)).toBeLessThan(360e6);
      // GC sawtooth plus noise: tens of MiB of wobble, never a climb.
      expect(Math.max(...ws) - Math.min(...ws)).toBeLessThan(0.15 * mean(ws));
      expect(Math.abs(mean(ws.slice(-12)) - mean(ws.slice(0, 12)))).toBeLessThan(0.03 * mean(ws));
      const nonBeam = scrapes.map((s) => valueOf(s.exp, N.rss, pod(p)) - valueOf(s.exp, N.beamTotal, pod(p)));
      expect(Math.min(...nonBeam)).toBeGreaterThan(55 * MiB);
      expect(Math.max(...nonBeam)).toBeLessThan(95 * MiB);
    }
    for (const { exp } of scrapes) {
      expect(sumOf(exp, N.restarts)).toBe(0);
      expect(sumOf(exp, N.admissionRejected)).toBe(0);
      expect(sumOf(exp, N.admissionTimedOut)).toBe(0);
      expect(sumOf(exp, N.streamBufferOversized)).toBe(0);
      expect(sumOf(exp, N.streamBufferTruncated)).toBe(0);
    }
    const last = scrapes.at(-1)!.exp;
    const count = (status: string): number => sumOf(last, N.httpRequests, { status_class: status });
    expect(count('5xx')).toBeGreaterThan(0);
    expect(count('5xx')).toBeLessThan(0.01 * count('2xx'));
  });
});

describe('determinism and time integration', () => {
  const bodies = (model: SimModel): string[] => [renderFederate(model, ['{namespace="codex-pooler"}']), renderAppMetrics(model, 1)];

  it('gives the same output for the same seed and a different one for another seed', () => {
    const [a, b, c] = [createModel({ seed: 3, scenario: 'binary-leak' }), createModel({ seed: 3, scenario: 'binary-leak' }), createModel({ seed: 4, scenario: 'binary-leak' })];
    for (const m of [a, b, c]) m.advanceTo(DEFAULT_START_MS + 2 * HOUR);
    expect(bodies(a)).toEqual(bodies(b));
    expect(bodies(a)[0]).not.toEqual(bodies(c)[0]);
  });

  it('does not depend on how often the model is advanced', () => {
    const once = createModel({ scenario: 'restart-loop' });
    const often = createModel({ scenario: 'restart-loop' });
    once.advanceTo(DEFAULT_START_MS + 2 * HOUR + 3_000);
    for (let t = DEFAULT_START_MS; t <= DEFAULT_START_MS + 2 * HOUR + 3_000; t += 7_321) often.advanceTo(t);
    often.advanceTo(DEFAULT_START_MS + 2 * HOUR + 3_000);
    expect(bodies(often)).toEqual(bodies(once));
  });

  it('starts a leak at setScenario time and clears it when switched back', () => {
    const model = createModel({ leakPod: 1 });
    model.advanceTo(DEFAULT_START_MS + 3 * HOUR);
    const baseline = model.memory(1).binary;
    model.setScenario('binary-leak');
    model.advanceTo(model.timeMs + 30 * MIN);
    expect(model.memory(1).binary - baseline).toBeGreaterThan(200 * MiB);
    model.setScenario('healthy');
    expect(Math.abs(model.memory(1).binary - baseline)).toBeLessThan(40 * MiB);
  });

  it('honours memoryLimitBytes', () => {
    const model = createModel({ scenario: 'binary-leak', memoryLimitBytes: 2 * GiB });
    model.advanceTo(DEFAULT_START_MS + 100 * MIN);
    const exp = fed(model);
    expect(valueOf(exp, N.specLimit, pod(0))).toBe(2 * GiB);
    expect(valueOf(exp, N.restarts, pod(0))).toBe(0);
  });

  it('advances days of sim time quickly', () => {
    const model = createModel({ scenario: 'restart-loop' });
    const started = performance.now();
    model.advanceTo(DEFAULT_START_MS + 3 * 24 * HOUR);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(model.timeMs).toBeLessThanOrEqual(DEFAULT_START_MS + 3 * 24 * HOUR);
    expect(model.timeMs).toBeGreaterThan(DEFAULT_START_MS + 3 * 24 * HOUR - 60_000);
    expect(valueOf(fed(model), N.restarts, pod(0))).toBeGreaterThan(1000);
  });

  it('rejects options out of range', () => {
    expect(() => createModel({ pods: 2, leakPod: 2 })).toThrow(RangeError);
    expect(() => createModel({ pods: 0 })).toThrow();
    expect(() => createModel({ memoryLimitBytes: -1 })).toThrow();
  });
});

describe('histograms', () => {
  it('expose cumulative, monotonic buckets whose +Inf equals _count', () => {
    const model = createModel({ scenario: 'process-leak' });
    model.advanceTo(DEFAULT_START_MS + HOUR);
    const exp = readExposition(renderAppMetrics(model, 0));
    for (const family of [N.httpDuration, N.admissionQueueTime, N.repoQueryTime, N.repoQueueTime]) {
      const counts = exp.samples.filter((s) => s.name === `${family}_count`);
      expect(counts.length).toBeGreaterThan(0);
      for (const c of counts) {
        const buckets = exp.samples.filter(
          (s) => s.name === `${family}_bucket` && Object.entries(c.labels).every(([k, v]) => s.labels[k] === v),
        );
        expect(buckets.at(-1)!.labels.le).toBe('+Inf');
        expect(buckets.at(-1)!.value).toBe(c.value);
        for (let i = 1; i < buckets.length; i++) expect(buckets[i]!.value).toBeGreaterThanOrEqual(buckets[i - 1]!.value);
      }
    }
  });
});
