import { describe, expect, it } from 'vitest';
import { federateSnapshot, feed, GiB, healthy, metricsSnapshot, MiB, newHistory, run } from './builders.ts';

function scenario(values: Parameters<typeof healthy>[0], thresholds: Record<string, number> = {}) {
  const h = newHistory();
  const now = feed(h, 4, (t) => federateSnapshot(t, { p: { values: healthy(values) } }));
  return run(h, now, 'sampler-snapshot', { thresholds });
}

describe('sampler-snapshot', () => {
  it('is info once BEAM total or cgroup usage crosses 70% of the limit', () => {
    const [f] = scenario({ cgroupUsage: 0.75 * GiB });
    expect(f?.severity).toBe('info');
    expect(f?.summary).toContain('the memory sampler logs now hold a snapshot for this pod');
    expect(f?.hint).toBe("the memory sampler's logs now hold a sanitized snapshot for this pod: read them");
    expect(scenario({ beamTotal: 0.72 * GiB })[0]?.summary).toMatch(/^BEAM total 737 MiB is 72%/);
  });

  it('follows a configured threshold ratio and is silent below it', () => {
    expect(scenario({})).toEqual([]);
    expect(scenario({}, { samplerRatio: 0.4 })).toHaveLength(1);
  });

  it('needs a limit (assumed for /metrics targets)', () => {
    const h = newHistory();
    const now = feed(h, 4, (t) => metricsSnapshot(t, 'm', { values: { beamTotal: 900 * MiB } }));
    expect(run(h, now, 'sampler-snapshot')).toEqual([]);
    expect(run(h, now, 'sampler-snapshot', { thresholds: { assumedLimitBytes: GiB } })).toHaveLength(1);
  });
});
