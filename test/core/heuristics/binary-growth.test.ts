import { describe, expect, it } from 'vitest';
import { federateSnapshot, feed, healthy, metricsSnapshot, MIN, MiB, newHistory, run, T0 } from './builders.ts';

function scenario(binary: number, ws: number, kind: 'federate' | 'metrics' = 'federate', beam = ws) {
  const h = newHistory();
  const now = feed(h, 81, (t) => {
    const m = (t - T0) / MIN;
    const values = healthy({ beamBinary: (40 + binary * m) * MiB, workingSet: (400 + ws * m) * MiB, beamTotal: (300 + beam * m) * MiB });
    return kind === 'federate' ? federateSnapshot(t, { p: { values } }) : metricsSnapshot(t, 'p', { values });
  });
  return run(h, now, 'binary-growth');
}

describe('binary-growth', () => {
  it('fires when binary memory climbs with cgroup memory', () => {
    const [f] = scenario(4, 4);
    expect(f?.severity).toBe('warning');
    expect(f?.hint).toBe('inspect streaming response retention, file bodies, and upstream transport buffering');
    expect(f?.promql).toContain('vm_memory_binary_bytes{namespace="codex-pooler", job="codex-pooler-app", pod="p"}');
    expect(f?.evidence.binarySlopeMiBPerMin).toBeCloseTo(4, 1);
  });

  it('is silent when cgroup memory stays flat, or binary grows slowly', () => {
    expect(scenario(4, 0)).toEqual([]);
    expect(scenario(0.5, 4)).toEqual([]);
  });

  it('uses BEAM total as the companion for a /metrics target without cgroup series', () => {
    expect(scenario(4, 0, 'metrics', 4)[0]?.evidence.companion).toBe('BEAM total');
    expect(scenario(4, 4, 'metrics', 0)).toEqual([]);
  });

  it('needs enough data before it may fire', () => {
    const h = newHistory();
    const now = feed(h, 8, (t) => {
      const m = (t - T0) / MIN;
      return federateSnapshot(t, { p: { values: healthy({ beamBinary: (40 + 20 * m) * MiB, workingSet: (400 + 20 * m) * MiB }) } });
    });
    expect(run(h, now, 'binary-growth')).toEqual([]);
  });
});
