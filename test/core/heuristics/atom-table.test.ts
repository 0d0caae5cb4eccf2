import { describe, expect, it } from 'vitest';
import { federateSnapshot, feed, healthy, metricsSnapshot, newHistory, run } from './builders.ts';

function scenario(atomCount: number, atomLimit?: number, kind: 'federate' | 'metrics' = 'federate') {
  const h = newHistory();
  const values = healthy({ atomCount, atomLimit });
  const now = feed(h, 3, (t) => (kind === 'federate' ? federateSnapshot(t, { p: { values } }) : metricsSnapshot(t, 'p', { values })));
  return run(h, now, 'atom-table');
}

describe('atom-table', () => {
  it('warns at 80% and is critical at 90% of the atom limit', () => {
    expect(scenario(850_000)[0]?.severity).toBe('warning');
    const [f] = scenario(950_000);
    expect(f?.severity).toBe('critical');
    expect(f?.summary).toBe('atom table 91% full: 950000 of 1048576 atoms');
  });

  it('uses the default limit (1,048,576) when the VM does not expose one', () => {
    expect(scenario(900_000, undefined, 'metrics')[0]?.evidence.limitExposed).toBe('no');
    expect(scenario(900_000, 5_000_000)).toEqual([]);
  });

  it('is silent far from the limit', () => {
    expect(scenario(40_000)).toEqual([]);
  });
});
