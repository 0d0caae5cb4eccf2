import { describe, expect, it } from 'vitest';
import { federateSnapshot, feed, healthy, MIN, MiB, newHistory, run, T0 } from './builders.ts';

function scenario(key: 'beamEts' | 'beamProcesses', perMin: number, rule: string, sawtooth = false) {
  const h = newHistory();
  const now = feed(h, 81, (t, i) => {
    const m = (t - T0) / MIN;
    const v = sawtooth ? 100 + 40 * (i % 5) : 100 + perMin * m;
    return federateSnapshot(t, { p: { values: healthy({ [key]: v * MiB }) } });
  });
  return run(h, now, rule);
}

describe('ets-growth and process-heap-growth', () => {
  it('fire when ETS or process heap memory climbs', () => {
    expect(scenario('beamEts', 2, 'ets-growth')[0]?.summary).toMatch(/^BEAM ETS memory 179 MiB growing 2\.0 MiB\/min/);
    expect(scenario('beamProcesses', 2, 'process-heap-growth')[0]?.severity).toBe('warning');
  });

  it('are silent below the slope threshold and on a GC sawtooth', () => {
    expect(scenario('beamEts', 0.5, 'ets-growth')).toEqual([]);
    expect(scenario('beamProcesses', 0, 'process-heap-growth', true)).toEqual([]);
  });
});
