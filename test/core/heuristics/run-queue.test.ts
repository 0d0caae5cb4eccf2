import { describe, expect, it } from 'vitest';
import { federateSnapshot, feed, healthy, MIN, newHistory, run, T0 } from './builders.ts';

function scenario(values: (m: number, i: number) => Parameters<typeof healthy>[0]) {
  const h = newHistory();
  const now = feed(h, 81, (t, i) => federateSnapshot(t, { p: { values: healthy(values((t - T0) / MIN, i)) } }));
  return run(h, now, 'run-queue-climb');
}

describe('run-queue-climb', () => {
  it('names the queues that climb and are long', () => {
    const [f] = scenario((m) => ({ runQueueTotal: m, runQueueCpu: m, runQueueIo: 0 }));
    expect(f?.severity).toBe('warning');
    expect(f?.summary).toMatch(/^run queue climbing: total 40 \(\+1\.0\/min\), cpu 40 \(\+1\.0\/min\)$/);
  });

  it('is silent for a noisy but flat queue, or a climb that is still short', () => {
    expect(scenario((_m, i) => ({ runQueueTotal: [0, 30, 2, 0, 25][i % 5] }))).toEqual([]);
    expect(scenario((m) => ({ runQueueIo: m / 10 }))).toEqual([]);
  });
});
