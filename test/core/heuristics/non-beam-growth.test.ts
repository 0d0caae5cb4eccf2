import { describe, expect, it } from 'vitest';
import { federateSnapshot, feed, healthy, metricsSnapshot, MIN, MiB, newHistory, run, T0 } from './builders.ts';

/** 40 min of scrapes; working set and BEAM total in MiB as functions of minutes. */
function scenario(ws: (m: number) => number, beam: (m: number) => number) {
  const h = newHistory();
  const now = feed(h, 81, (t, i) => {
    const m = (t - T0) / MIN;
    return federateSnapshot(t, { p: { values: healthy({ workingSet: ws(m) * MiB, rss: ws(m) * MiB, beamTotal: beam(m) * MiB + (i % 2) * MiB }) } });
  });
  return run(h, now, 'non-beam-growth');
}

describe('non-beam-growth', () => {
  it('fires when cgroup memory minus BEAM total climbs while BEAM total is flat', () => {
    const [f] = scenario((m) => 400 + 3 * m, () => 300);
    expect(f?.severity).toBe('warning');
    expect(f?.evidence.nonBeamSlopeMiBPerMin).toBeCloseTo(3, 1);
    expect(f?.hint).toContain('look outside normal BEAM heap attribution');
    expect(f?.promql).toContain('clamp_min(');
    // Measured on RSS (the scenario has it), so the query shows RSS, not the runbook's working set.
    expect(f?.evidence.cgroupMetric).toBe('container_memory_rss');
    expect(f?.promql).toContain('container_memory_rss{');
    expect(f?.promql).not.toContain('container_memory_working_set_bytes');
    expect(f?.summary).toMatch(/growing 3\.0 MiB\/min while BEAM total is flat/);
  });

  it('is silent when BEAM total climbs along (the growth is BEAM memory)', () => {
    expect(scenario((m) => 400 + 3 * m, (m) => 300 + 3 * m)).toEqual([]);
  });

  it('is silent when the gap is small or its slope is below the threshold', () => {
    expect(scenario((m) => 310 + 3 * m, (m) => 300 + 2.9 * m)).toEqual([]);
    expect(scenario((m) => 400 + 0.5 * m, () => 300)).toEqual([]);
  });

  it('measures the gap on RSS, so page cache filling the working set is not a non-BEAM leak', () => {
    const h = newHistory();
    const now = feed(h, 81, (t) => {
      const m = (t - T0) / MIN;
      return federateSnapshot(t, { p: { values: healthy({ workingSet: (400 + 10 * m) * MiB, rss: 400 * MiB, cache: 10 * m * MiB, beamTotal: 300 * MiB }) } });
    });
    expect(run(h, now, 'non-beam-growth')).toEqual([]);
  });

  it('does not fire on a GC sawtooth', () => {
    expect(scenario((m) => 500 + 30 * ((m * 2) % 6), () => 300)).toEqual([]);
  });

  it('needs per-pod BEAM series next to the cgroup ones (nothing for a /metrics target alone)', () => {
    const h = newHistory();
    const now = feed(h, 81, (t) => metricsSnapshot(t, 'm', { values: healthy({ beamTotal: 300 * MiB }) }));
    expect(run(h, now, 'non-beam-growth')).toEqual([]);
  });
});
