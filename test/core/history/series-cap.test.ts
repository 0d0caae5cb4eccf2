import { describe, expect, it } from 'vitest';
import type { History } from '../../../functions/core/history/index.ts';
import type { Snapshot } from '../../../functions/core/types.ts';
import { buckets, federateSnapshot, feed, healthy, MIN, MiB, names, newHistory, run, T0 } from '../heuristics/builders.ts';

/**
 * Prometheus' /federate sorts its output by metric name (web/federate.go), so a pod's `codex_pooler_*` series come
 * before its `container_*`, `kube_*` and `vm_*` ones. A Phoenix app with a route-labelled latency histogram (or a
 * repo histogram by source × command) easily has thousands of kept `_bucket` series per pod.
 */
function sortedLikeFederate(s: Snapshot): Snapshot {
  return { ...s, families: [...s.families].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) };
}

/** `routes` route-labelled copies of a 10-bucket latency histogram, all fast (never above the p95 threshold). */
function latency(routes: number, i: number) {
  const out = [];
  for (let r = 0; r < routes; r++) {
    const n = 100 * i;
    out.push(...buckets(names.httpDuration, { '0.01': n, '0.05': n, '0.1': n, '0.25': n, '0.5': n, '1': n, '2.5': n, '5': n, '10': n, '+Inf': n }, { route: `/api/r${r}` }));
  }
  return out;
}

describe('per-pod series cap (maxSeriesPerPod) under real federate ordering', () => {
  it('still detects an OOM kill when a pod has more kept series than the cap (defaults)', () => {
    const h = newHistory(); // maxSeriesPerPod: 5,000
    const routes = 505; // 5,050 bucket series + ~25 memory/kube/BEAM series: just over the cap
    for (let i = 0; i < 3; i++) {
      const t = T0 + i * 30_000;
      const killed = i === 2;
      h.ingest(
        sortedLikeFederate(
          federateSnapshot(t, {
            p: { values: healthy({ restarts: killed ? 1 : 0 }), ...(killed ? { lastReason: 'OOMKilled' } : {}), extra: latency(routes, i) },
          }),
        ),
      );
    }
    const now = T0 + 60_000;
    // The restart counter went 0 → 1 with reason OOMKilled: the page every operator wants.
    expect(run(h, now, 'oom-killed').map((f) => f.severity)).toEqual(['critical']);
  }, 60_000);

  it('keeps the memory series a pod needs for time-to-oom when a histogram overflows the cap', () => {
    // Same shape, smaller numbers: a cap of 200 and 21 routes × 10 buckets (210 series).
    const h: History = newHistory({ maxSeriesPerPod: 200 });
    const now = feed(h, 81, (t, i) => {
      const rss = (550 + (5 * (t - T0)) / MIN) * MiB; // the leak time-to-oom's own test pages on
      return sortedLikeFederate(federateSnapshot(t, { p: { values: healthy({ rss, workingSet: rss + 40 * MiB }), extra: latency(21, i) } }));
    });
    expect(h.series('p', names.rss)[0]?.points.length ?? 0).toBeGreaterThan(10);
    expect(run(h, now, 'time-to-oom').map((f) => f.severity)).toEqual(['warning']);
  });
});
