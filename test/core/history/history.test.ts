import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { History, matches } from '../../../functions/core/history/index.ts';
import type { Snapshot } from '../../../functions/core/types.ts';
import { buckets, federateSnapshot, feed, GiB, healthy, metricsSnapshot, MiB, names, T0 } from '../heuristics/builders.ts';

const app = { namespace: 'codex-pooler', job: 'codex-pooler-app' };
const cg = { namespace: 'codex-pooler', container: 'app' };

describe('History.ingest attribution', () => {
  it('attributes /metrics samples to the target and federate samples to their pod label', () => {
    const h = new History();
    h.ingest(metricsSnapshot(T0, 'pod-a', { values: { beamTotal: 100 } }));
    h.ingest(federateSnapshot(T0, { 'pod-b': { values: { beamTotal: 200 } } }));
    expect(h.pods()).toEqual(['pod-a', 'pod-b']);
    expect(h.latest('pod-a', names.beamTotal)).toBe(100);
    expect(h.latest('pod-b', names.beamTotal, app)).toBe(200);
    expect(h.podInfo('pod-a')?.kind).toBe('metrics');
  });

  it('skips federated samples without a pod, and samples no heuristic reads', () => {
    const h = new History();
    h.ingest({
      ts: T0,
      target: 'prom',
      kind: 'federate',
      families: [
        { name: names.beamTotal, type: 'gauge', samples: [{ name: names.beamTotal, labels: { job: 'x' }, value: 1 }] },
        { name: 'go_goroutines', type: 'gauge', samples: [{ name: 'go_goroutines', labels: { pod: 'p' }, value: 1 }] },
      ],
    });
    expect(h.pods()).toEqual([]);
  });

  it("uses the sample's own timestamp when it has one", () => {
    const h = new History();
    const snap = federateSnapshot(T0, { p: { values: { beamTotal: 5 } } });
    snap.ts = T0 + 60_000;
    h.ingest(snap);
    expect(h.points('p', names.beamTotal)).toEqual([{ t: T0, v: 5 }]);
  });

  it('uses exported_pod over pod (kube-state-metrics scraped without honor_labels)', () => {
    const h = new History();
    h.ingest({ ts: T0, target: 'prom', kind: 'federate', families: [{ name: names.restarts, type: 'counter', samples: [{ name: names.restarts, labels: { pod: 'ksm-0', exported_pod: 'app-0' }, value: 1 }] }] });
    expect(h.pods()).toEqual(['app-0']);
  });

  it('keeps the latest value even when non-finite but keeps it out of the points', () => {
    const h = new History();
    h.ingest(metricsSnapshot(T0, 'p', { values: { beamTotal: 1 } }));
    h.ingest(metricsSnapshot(T0 + 10_000, 'p', { values: { beamTotal: NaN } }));
    expect(h.latest('p', names.beamTotal)).toBeNaN();
    expect(h.points('p', names.beamTotal)).toEqual([{ t: T0, v: 1 }]);
  });

  it('merges series that differ only by volatile labels (instance)', () => {
    const h = new History();
    const mk = (ts: number, instance: string): Snapshot => ({
      ts,
      target: 'prom',
      kind: 'federate',
      families: [{ name: names.beamTotal, type: 'gauge', samples: [{ name: names.beamTotal, labels: { ...app, pod: 'p', instance }, value: ts - T0 }] }],
    });
    h.ingest(mk(T0, '10.0.0.1:4000'));
    h.ingest(mk(T0 + 10_000, '10.0.0.2:4000'));
    expect(h.series('p', names.beamTotal)).toHaveLength(1);
    expect(h.points('p', names.beamTotal)).toHaveLength(2);
  });
});

describe('label matching', () => {
  it('reads container from exported_container when present, and rejects the image="" pod cgroup', () => {
    expect(matches({ exported_container: 'app', container: 'kube-state-metrics' }, { container: 'app' })).toBe(true);
    expect(matches({ container: 'app', image: 'x' }, { container: 'app' })).toBe(true);
    expect(matches({ container: 'kube-state-metrics' }, { container: 'app' })).toBe(false);
    expect(matches({ container: 'app', image: '' }, { container: 'app' })).toBe(false);
    expect(matches({ image: '' }, { container: 'app' })).toBe(false);
  });

  it('ignores the pod-level cgroup series when selecting the app container working set', () => {
    const h = new History();
    h.ingest(federateSnapshot(T0, { p: { values: { workingSet: 500 * MiB }, podCgroupWorkingSet: 900 * MiB } }));
    expect(h.latest('p', names.workingSet, cg)).toBe(500 * MiB);
    expect(h.latest('p', names.workingSet)).toBe(900 * MiB);
  });
});

describe('counters', () => {
  it('treats a counter drop as a reset: increase counts from zero and is never negative', () => {
    const h = new History();
    const values = [10, 20, 30, 5, 15];
    feed(h, values.length, (t, i) => metricsSnapshot(t, 'p', { extra: [{ name: 'codex_pooler_repo_query_count', labels: { source: 'a' }, value: values[i]! }] }), T0, 10_000);
    const now = T0 + 40_000;
    expect(h.increase('p', 'codex_pooler_repo_query_count', undefined, 10 * 60_000, now, { exact: true })).toBe(10 + 10 + 5 + 10);
    expect(h.rate('p', 'codex_pooler_repo_query_count', undefined, 60_000, now)).toBeGreaterThan(0);
    expect(h.podInfo('p')?.lastResetAt).toBe(T0 + 30_000);
  });

  it('sums over matching label sets, per series first (like sum(rate(...)))', () => {
    const h = new History();
    feed(h, 7, (t, i) => metricsSnapshot(t, 'p', {
      extra: [
        { name: names.repoQueries, labels: { source: 'a' }, value: 10 * i },
        { name: names.repoQueries, labels: { source: 'b' }, value: 1000 - (i === 3 ? 990 : 0) + i }, // one reset in b
      ],
    }), T0, 10_000);
    const now = T0 + 60_000;
    const exactA = h.increase('p', names.repoQueries, { source: 'a' }, 120_000, now, { exact: true });
    const exactAll = h.increase('p', names.repoQueries, undefined, 120_000, now, { exact: true });
    expect(exactA).toBe(60);
    // b: 1000,1001,1002,13 (reset: +13),1004 (+991),1005,1006 → 1+1+13+991+1+1 = 1008
    expect(exactAll).toBe(60 + 1008);
    const byBoth = h.rateBy('p', names.repoQueries, undefined, 120_000, now, ['source']);
    expect(byBoth.map((g) => g.labels.source).sort()).toEqual(['a', 'b']);
  });

  it('counts an exact restart delta across the range edge using the sample before it', () => {
    const h = new History();
    feed(h, 40, (t, i) => federateSnapshot(t, { p: { values: { restarts: i < 20 ? 0 : 1 } } }), T0, 60_000);
    const now = T0 + 39 * 60_000;
    expect(h.increase('p', names.restarts, { container: 'app' }, 15 * 60_000, now, { exact: true })).toBe(0);
    expect(h.increase('p', names.restarts, { container: 'app' }, 20 * 60_000, now, { exact: true })).toBe(1);
  });
});

describe('histogramQuantile', () => {
  const family = names.repoQueueTime;
  // Per 10 s: 2 obs ≤ 0.1, 4 more ≤ 0.5, 3 more ≤ 1, 1 above → cumulative increments 2, 6, 9, 10.
  const step = { '0.1': 2, '0.5': 6, '1': 9, '+Inf': 10 };
  function build(extraLabels: (i: number) => Record<string, string>[] = () => [{}]) {
    const h = new History();
    feed(h, 31, (t, i) =>
      federateSnapshot(t, {
        p: {
          extra: extraLabels(i).flatMap((labels) =>
            buckets(family, Object.fromEntries(Object.entries(step).map(([le, c]) => [le, c * i])), labels),
          ),
        },
      }), T0, 10_000);
    return { h, now: T0 + 300_000 };
  }

  it('matches histogram_quantile over sum by (le) (rate(...[5m])) computed by hand', () => {
    const { h, now } = build();
    // rank 0.5 × 10 = 5 → (0.1, 0.5] holds 4 from 2: 0.1 + 0.4 × 3/4 = 0.4
    expect(h.histogramQuantile(0.5, 'p', family, 300_000, now)).toBeCloseTo(0.4, 9);
    // rank 9.5 → +Inf bucket → 1
    expect(h.histogramQuantile(0.95, 'p', family, 300_000, now)).toBe(1);
    // rank 8 → (0.5, 1] holds 3 from 6: 0.5 + 0.5 × 2/3
    expect(h.histogramQuantile(0.8, 'p', family, 300_000, now)).toBeCloseTo(0.5 + 0.5 * (2 / 3), 9);
  });

  it('sums buckets across label sets, or groups by the given labels', () => {
    const { h, now } = build(() => [{ route_class: 'a' }, { route_class: 'b' }]);
    expect(h.histogramQuantile(0.5, 'p', family, 300_000, now)).toBeCloseTo(0.4, 9);
    const grouped = h.histogramQuantile(0.5, 'p', family, 300_000, now, ['route_class']);
    expect(grouped.map((g) => [g.labels.route_class, g.value.toFixed(3)]).sort()).toEqual([['a', '0.400'], ['b', '0.400']]);
  });

  it('is NaN when nothing was observed in the range', () => {
    const h = new History();
    feed(h, 31, (t) => federateSnapshot(t, { p: { extra: buckets(family, { '0.1': 5, '+Inf': 7 }) } }), T0, 10_000);
    expect(h.histogramQuantile(0.95, 'p', family, 300_000, T0 + 300_000)).toBeNaN();
    expect(h.histogramQuantile(0.95, 'nobody', family, 300_000, T0 + 300_000)).toBeNaN();
  });
});

describe('bounds', () => {
  it('bounds every series by age and by count', () => {
    const h = new History({ windowMs: 10 * 60_000, maxPoints: 15 });
    feed(h, 100, (t) => metricsSnapshot(t, 'p', { values: { beamTotal: 1 } }), T0, 30_000);
    const pts = h.points('p', names.beamTotal);
    expect(pts.length).toBeLessThanOrEqual(15);
    const h2 = new History({ windowMs: 5 * 60_000, maxPoints: 1000 });
    feed(h2, 100, (t) => metricsSnapshot(t, 'p', { values: { beamTotal: 1 } }), T0, 30_000);
    const p2 = h2.points('p', names.beamTotal);
    expect(p2[p2.length - 1]!.t - p2[0]!.t).toBeLessThanOrEqual(5 * 60_000);
  });

  it('evicts pods not seen for the window', () => {
    const h = new History({ windowMs: 10 * 60_000 });
    h.ingest(metricsSnapshot(T0, 'old', { values: { beamTotal: 1 } }));
    h.ingest(metricsSnapshot(T0 + 11 * 60_000, 'new', { values: { beamTotal: 1 } }));
    expect(h.pods()).toEqual(['new']);
  });

  it('stays bounded for long random input (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            dt: fc.integer({ min: 0, max: 120_000 }),
            pods: fc.array(fc.tuple(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 60 }), fc.double({ noNaN: false })), { maxLength: 30 }),
          }),
          { maxLength: 150 },
        ),
        (steps) => {
          const h = new History({ windowMs: 20 * 60_000, maxPoints: 12, maxSeriesPerPod: 8, maxPods: 6 });
          let t = T0;
          for (const s of steps) {
            t += s.dt;
            h.ingest({
              ts: t,
              target: 'prom',
              kind: 'federate',
              families: [{ name: names.repoQueries, type: 'counter', samples: s.pods.map(([p, src, v]) => ({ name: names.repoQueries, labels: { pod: `p${p}`, source: `s${src}` }, value: v })) }],
            });
            const st = h.stats();
            expect(st.pods).toBeLessThanOrEqual(6);
            expect(st.series).toBeLessThanOrEqual(6 * 8);
            expect(st.points).toBeLessThanOrEqual(6 * 8 * 12);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('caps series per pod, evicting the least recently updated', () => {
    const h = new History({ maxSeriesPerPod: 3 });
    for (let i = 0; i < 5; i++) h.ingest(metricsSnapshot(T0 + i * 1000, 'p', { extra: [{ name: names.repoQueries, labels: { source: `s${i}` }, value: 1 }] }));
    expect(h.series('p', names.repoQueries).map((s) => s.labels.source)).toEqual(['s2', 's3', 's4']);
  });
});

describe('dump and load', () => {
  it('round-trips through JSON, NaN latest values included', () => {
    const h = new History();
    feed(h, 20, (t, i) => federateSnapshot(t, { p: { values: healthy({ rss: 300 * MiB + i * MiB }), lastReason: 'OOMKilled' } }));
    h.ingest(metricsSnapshot(T0 + 20 * 30_000, 'm', { values: { beamTotal: NaN } }));
    const json = JSON.parse(JSON.stringify(h.dump()));
    const back = History.load(json);
    expect(back.dump()).toEqual(h.dump());
    expect(back.latest('m', names.beamTotal)).toBeNaN();
    expect(back.latest('p', names.kubeLimit, { resource: 'memory' })).toBe(GiB);
    expect(back.podInfo('p')).toEqual(h.podInfo('p'));
    // The target a pod came from survives a restart: a pod gone from the scrape still names it (watcher.ts).
    expect(back.podInfo('m')?.target).toBe('m');
    expect(back.podInfo('p')?.target).toBe(h.podInfo('p')?.target);
    expect(back.podInfo('p')?.target).toEqual(expect.any(String));
  });

  it('rejects a malformed dump with a zod error', () => {
    expect(() => History.load({ version: 2, pods: [] })).toThrow();
  });

  it('applies the loading bounds', () => {
    const h = new History();
    feed(h, 50, (t) => metricsSnapshot(t, 'p', { values: { beamTotal: 1 } }));
    expect(History.load(h.dump(), { maxPoints: 10 }).points('p', names.beamTotal)).toHaveLength(10);
  });
});
