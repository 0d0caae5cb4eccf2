import { describe, expect, it } from 'vitest';
import { federateSnapshot, feed, GiB, healthy, metricsSnapshot, MiB, newHistory, run } from './builders.ts';

/**
 * `assumedLimitBytes` exists for `kind: metrics` targets, whose limit nobody reports. Thresholds are global, so an
 * operator who sets it for those also applies it to every federated pod. A BestEffort / no-limit pod (a worker or
 * scheduler role without `resources.limits`) has a *known* absence of limit: kube-state has no limits series and cAdvisor
 * reports the cgroup as unlimited (0 on cgroup v2, ~2^63 on v1). It must not be judged against an invented 1 GiB.
 */
describe('assumedLimitBytes applied to federated pods whose cgroup is unlimited', () => {
  const thresholds = { assumedLimitBytes: GiB };

  for (const [cgroup, specLimit] of [
    ['cgroup v2 (spec limit 0)', 0],
    ['cgroup v1 (spec limit ~2^63)', 9_223_372_036_854_771_712],
  ] as const) {
    it(`does not page memory-pressure on a no-limit pod using 1.5 GiB — ${cgroup}`, () => {
      const h = newHistory();
      const now = feed(h, 20, (t) => {
        const values = healthy({ workingSet: 1536 * MiB, rss: 1500 * MiB, cgroupUsage: 1540 * MiB, specLimit });
        delete values.kubeLimit; // no resources.limits.memory: kube-state exposes no limits series
        return federateSnapshot(t, { worker: { values } });
      });
      // Today: critical, "working set 1536 MiB is 150% of the 1024 MiB limit" — a limit the pod does not have.
      expect(run(h, now, 'memory-pressure', { thresholds })).toEqual([]);
    });
  }

  it('still uses the assumed limit for a kind: metrics target (what it is for)', () => {
    const h = newHistory();
    const now = feed(h, 20, (t) => metricsSnapshot(t, 'm', { values: { beamTotal: 800 * MiB } }));
    expect(run(h, now, 'sampler-snapshot', { thresholds })).toHaveLength(1);
  });
});
