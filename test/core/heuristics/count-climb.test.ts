import { describe, expect, it } from 'vitest';
import { federateSnapshot, feed, healthy, MIN, newHistory, run, T0 } from './builders.ts';

function scenario(values: (m: number) => Parameters<typeof healthy>[0], rule: string) {
  const h = newHistory();
  const now = feed(h, 81, (t) => federateSnapshot(t, { p: { values: healthy(values((t - T0) / MIN)) } }));
  return run(h, now, rule);
}

describe('process-count-climb and port-count-climb', () => {
  it('warn when processes climb', () => {
    const [f] = scenario((m) => ({ processCount: 2000 + 100 * m }), 'process-count-climb');
    expect(f?.severity).toBe('warning');
    expect(f?.hint).toBe('inspect stuck request processes, websocket ownership, and overloaded route classes');
    expect(f?.evidence.perMinute).toBeCloseTo(100, 0);
  });

  it('grade headroom to the limit: warning at 80%, critical at 95%', () => {
    expect(scenario(() => ({ processCount: 0.85 * 262_144 }), 'process-count-climb')[0]?.severity).toBe('warning');
    expect(scenario(() => ({ processCount: 0.96 * 262_144 }), 'process-count-climb')[0]?.severity).toBe('critical');
    expect(scenario(() => ({ portCount: 0.97 * 65_536 }), 'port-count-climb')[0]?.severity).toBe('critical');
  });

  it('are silent when flat and far from the limit', () => {
    expect(scenario(() => ({}), 'process-count-climb')).toEqual([]);
    expect(scenario((m) => ({ portCount: 100 + 2 * m }), 'port-count-climb')).toEqual([]);
  });

  it('warn on a climb without an exposed limit', () => {
    const [f] = scenario((m) => ({ portCount: 100 + 20 * m, portLimit: undefined }), 'port-count-climb');
    expect(f?.severity).toBe('warning');
    expect(f?.evidence.limit).toBeUndefined();
  });
});
