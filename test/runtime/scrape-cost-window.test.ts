import { describe, expect, it } from 'vitest';
import { ScrapeCostWindow } from '../../functions/runtime/scrape-cost-window.ts';

describe('ScrapeCostWindow', () => {
  it('keeps the window per target, oldest first', () => {
    const w = new ScrapeCostWindow(10_000);
    for (let t = 0; t <= 20_000; t += 5_000) w.add('a', t, t / 1_000, t);
    w.add('b', 20_000, 1, 2);
    expect(w.durationMs('a')).toEqual([[15_000, 15], [20_000, 20]]);
    expect(w.bytes('a')).toEqual([[15_000, 15_000], [20_000, 20_000]]);
    expect(w.bytes('b')).toEqual([[20_000, 2]]);
    expect(w.bytes('unknown')).toEqual([]);
  });

  it('restarts when time goes backwards, and stays bounded at a tiny interval', () => {
    const w = new ScrapeCostWindow(3_600_000);
    w.add('a', 10_000, 1, 1);
    w.add('a', 5_000, 2, 2);
    expect(w.durationMs('a')).toEqual([[5_000, 2]]);
    for (let t = 6_000; t < 6_000 + 2_000; t++) w.add('a', t, 1, 1);
    expect(w.durationMs('a').length).toBe(720);
    expect(w.bytes('a').at(-1)).toEqual([7_999, 1]);
  });
});
