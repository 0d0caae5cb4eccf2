import { describe, expect, it } from 'vitest';
import { emptyMemo, evaluate, type HeuristicsMemo } from '../../../functions/core/heuristics/index.ts';
import { context, federateSnapshot, feed, GiB, healthy, metricsSnapshot, MIN, MiB, newHistory, run, T0 } from './builders.ts';

/** RSS climbing `perMin` MiB/min from `from` MiB over `minutes`, scraped every 30 s; container started 3 h before T0. */
function leak(from: number, perMin: number, minutes = 40, overrides: Parameters<typeof healthy>[0] = {}) {
  const h = newHistory();
  const now = feed(h, minutes * 2 + 1, (t) => {
    const rss = (from + (perMin * (t - T0)) / MIN) * MiB;
    return federateSnapshot(t, { p: { values: healthy({ rss, workingSet: rss + 40 * MiB, ...overrides }) } });
  });
  return { h, now };
}

describe('time-to-oom', () => {
  it('warns when the projected time to the limit is within 60 min', () => {
    // Level = median of the last 3 points = 747.5 MiB; 276.5 MiB left at 5 MiB/min ≈ 55.3 min.
    const { h, now } = leak(550, 5);
    const [f] = run(h, now, 'time-to-oom');
    expect(f?.severity).toBe('warning');
    expect(f?.evidence.minutesToOom).toBeCloseTo(55.3, 1);
    expect(f?.evidence.slopeMiBPerMin).toBeCloseTo(5, 1);
    expect(f?.summary).toMatch(/RSS 748 MiB \(73% of 1024 MiB\) growing 5\.0 MiB\/min: OOM in ~55 min/);
    expect(f?.series?.length).toBeLessThanOrEqual(60);
  });

  it('is critical within 20 min', () => {
    const { h, now } = leak(500, 10); // 900 MiB, 12.4 min
    expect(run(h, now, 'time-to-oom')[0]?.severity).toBe('critical');
  });

  it('needs the level: a low RSS growing fast does not fire', () => {
    const { h, now } = leak(100, 10); // 500 MiB = 49% of the limit
    expect(run(h, now, 'time-to-oom')).toEqual([]);
  });

  it('needs the trend: far from the limit in time does not fire', () => {
    const { h, now } = leak(700, 1); // 740 MiB, 284 min away
    expect(run(h, now, 'time-to-oom')).toEqual([]);
  });

  it('does not fire for a startup ramp inside the warm-up grace, but does once the grace is over', () => {
    const started = (T0 + 30 * MIN) / 1000; // container started 10 min before the end of a 40-min run
    const { h, now } = leak(500, 10, 40, { containerStart: started });
    expect(run(h, now, 'time-to-oom')).toEqual([]);
    // The grace is what holds it back: shorten it (and the data requirement) and the same ramp fires.
    expect(run(h, now, 'time-to-oom', { thresholds: { ttoGraceMinutes: 5, growthMinSpanMinutes: 5 } })).toHaveLength(1);
    const later = leak(500, 10, 60, { containerStart: started });
    expect(run(later.h, later.now, 'time-to-oom')[0]?.severity).toBe('critical');
  });

  it('does not fire on a GC sawtooth without trend', () => {
    const h = newHistory();
    const now = feed(h, 81, (t, i) => {
      const rss = (850 + 60 * (i % 8)) * MiB;
      return federateSnapshot(t, { p: { values: healthy({ rss, workingSet: rss }) } });
    });
    expect(run(h, now, 'time-to-oom')).toEqual([]);
  });

  it('skips pods with no known limit, and projects BEAM total for /metrics targets with an assumed limit', () => {
    const h = newHistory();
    const now = feed(h, 81, (t) => metricsSnapshot(t, 'm', { values: { beamTotal: (500 + (10 * (t - T0)) / MIN) * MiB } }));
    expect(run(h, now, 'time-to-oom')).toEqual([]);
    const [f] = run(h, now, 'time-to-oom', { thresholds: { assumedLimitBytes: GiB } });
    expect(f?.summary).toMatch(/^BEAM total/);
    // The PromQL projects what the finding projected, against the limit it used (no series holds an assumed one).
    expect(f?.promql).toContain(`deriv(vm_memory_total_bytes{`);
    expect(f?.promql).toContain(`\n  ${GiB}\n`);
    expect(f?.promql).not.toContain('container_memory_rss');
  });

  it('treats a counter reset on a /metrics target as a restart (grace restarts)', () => {
    const h = newHistory();
    const now = feed(h, 81, (t, i) =>
      metricsSnapshot(t, 'm', {
        values: { beamTotal: (500 + (10 * (t - T0)) / MIN) * MiB },
        extra: [{ name: 'codex_pooler_http_request_count', labels: { status_class: '2xx' }, value: i < 75 ? 1000 + i : i - 75 }],
      }),
    );
    expect(h.podInfo('m')?.lastResetAt).toBe(T0 + 75 * 30_000);
    expect(run(h, now, 'time-to-oom', { thresholds: { assumedLimitBytes: GiB } })).toEqual([]);
  });

  it('records when an episode was first predicted and keeps it while it lasts', () => {
    const { h } = leak(550, 5, 60);
    let memo: HeuristicsMemo = emptyMemo();
    const first = T0 + 40 * MIN;
    for (let now = first; now <= T0 + 60 * MIN; now += MIN) memo = evaluate(h, context(now), memo).memo;
    expect(memo.pods.p?.predictedAt).toBe(first);
    expect(memo.pods.p?.lastPredictedAt).toBe(T0 + 60 * MIN);
  });
});
