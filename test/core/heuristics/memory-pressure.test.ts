import { describe, expect, it } from 'vitest';
import { federateSnapshot, feed, GiB, healthy, MiB, newHistory, run } from './builders.ts';

function pressure(values: Parameters<typeof healthy>[0], steps = 5) {
  const h = newHistory();
  const now = feed(h, steps, (t) => federateSnapshot(t, { p: { values: healthy(values) } }));
  return run(h, now, 'memory-pressure');
}

describe('memory-pressure', () => {
  it('warns at ≥ 85% of the limit with the RSS/cache split in the summary', () => {
    const [f] = pressure({ workingSet: 0.88 * GiB, rss: 0.86 * GiB, cache: 0.02 * GiB });
    expect(f?.severity).toBe('warning');
    expect(f?.summary).toMatch(/working set 901 MiB is 88% of the 1024 MiB limit \(RSS 881 MiB, cache 20 MiB\)/);
    expect(f?.evidence.workingSetRatio).toBeCloseTo(0.88, 3);
    expect(f?.series?.length).toBeGreaterThan(0);
  });

  it('is critical at ≥ 95% when RSS is high too', () => {
    expect(pressure({ workingSet: 0.97 * GiB, rss: 0.93 * GiB })[0]?.severity).toBe('critical');
  });

  it('is only info when page cache inflates the working set (never a page)', () => {
    const [f] = pressure({ workingSet: 0.99 * GiB, rss: 0.4 * GiB, cache: 0.59 * GiB });
    expect(f?.severity).toBe('info');
    expect(f?.summary).toContain('page-cache heavy, reclaimable');
  });

  it('is silent below the warning level, without a limit, or for a single spike', () => {
    expect(pressure({ workingSet: 0.8 * GiB })).toEqual([]);
    expect(pressure({ workingSet: 0.99 * GiB, kubeLimit: 0, specLimit: 0 })).toEqual([]);
    const h = newHistory();
    const now = feed(h, 6, (t, i) => federateSnapshot(t, { p: { values: healthy({ workingSet: i === 5 ? 0.99 * GiB : 0.5 * GiB, rss: 0.99 * GiB }) } }));
    expect(run(h, now, 'memory-pressure')).toEqual([]);
  });

  it("falls back to cAdvisor's spec limit when kube-state has none", () => {
    const [f] = pressure({ workingSet: 460 * MiB, rss: 460 * MiB, kubeLimit: undefined, specLimit: 512 * MiB });
    expect(f?.severity).toBe('warning');
    expect(f?.evidence.limitBytes).toBe(512 * MiB);
  });

  it('ignores the pod-level cgroup series (image="")', () => {
    const h = newHistory();
    const now = feed(h, 5, (t) => federateSnapshot(t, { p: { values: healthy(), podCgroupWorkingSet: 0.99 * GiB } }));
    expect(run(h, now, 'memory-pressure')).toEqual([]);
  });
});
