import { describe, expect, it } from 'vitest';
import { MetricNames } from '../../../functions/config/metric-names.ts';
import { History } from '../../../functions/core/history/index.ts';
import { emptyMemo, evaluate } from '../../../functions/core/heuristics/index.ts';
import { resolveThresholds } from '../../../functions/core/heuristics/thresholds.ts';
import { context, federateSnapshot, feed, GiB, healthy, MIN, newHistory, selectors, T0 } from './builders.ts';

describe('evaluate', () => {
  it('fills the target from ctx.targets, else the pod, and every finding is complete', () => {
    const h = newHistory();
    const now = feed(h, 5, (t) => federateSnapshot(t, { a: { values: healthy({ workingSet: 0.9 * GiB, rss: 0.9 * GiB }) }, b: { values: healthy({ workingSet: 0.9 * GiB, rss: 0.9 * GiB }) } }));
    const { findings } = evaluate(h, context(now, {}, { a: 'prom-eu' }), emptyMemo());
    const byPod = Object.fromEntries(findings.filter((f) => f.rule === 'memory-pressure').map((f) => [f.pod, f.target]));
    expect(byPod).toEqual({ a: 'prom-eu', b: 'b' });
    for (const f of findings) {
      expect(f.summary.length).toBeGreaterThan(0);
      expect(f.hint.length).toBeGreaterThan(0);
      expect(f.promql).toContain('pod="');
      expect(JSON.parse(JSON.stringify(f))).toEqual(f);
    }
  });

  it('skips pods not seen for podStaleMinutes and drops memo of pods the history forgot', () => {
    const h = newHistory();
    const now = feed(h, 5, (t) => federateSnapshot(t, { p: { values: healthy({ workingSet: 0.9 * GiB, rss: 0.9 * GiB }) } }));
    expect(evaluate(h, context(now + 4 * MIN), emptyMemo()).findings).not.toEqual([]);
    expect(evaluate(h, context(now + 6 * MIN), emptyMemo()).findings).toEqual([]);
    const { memo } = evaluate(h, context(now), { version: 1, pods: { gone: { restartCount: 3 } } });
    expect(Object.keys(memo.pods)).toEqual(['p']);
    expect(JSON.parse(JSON.stringify(memo))).toEqual(memo);
  });

  it('is deterministic and does not mutate the memo it is given', () => {
    const h = newHistory();
    const now = feed(h, 81, (t) => federateSnapshot(t, { p: { values: healthy({ rss: 800 * 2 ** 20 + (t - T0) * 100, restarts: 0 }) } }));
    const memo = emptyMemo();
    const a = evaluate(h, context(now), memo);
    const b = evaluate(h, context(now), memo);
    expect(a).toEqual(b);
    expect(memo).toEqual(emptyMemo());
  });

  it('reads metric names from ctx.names, not hard-coded ones', () => {
    const names = MetricNames.parse({ workingSet: 'cadvisor_ws_bytes', rss: 'cadvisor_rss_bytes' });
    const h = new History({ names });
    feed(h, 5, (t) => {
      const s = federateSnapshot(t, { p: { values: healthy({ workingSet: 0.9 * GiB, rss: 0.9 * GiB }) } });
      for (const f of s.families) for (const x of f.samples) {
        if (x.name === 'container_memory_working_set_bytes') x.name = 'cadvisor_ws_bytes';
        if (x.name === 'container_memory_rss') x.name = 'cadvisor_rss_bytes';
      }
      return s;
    });
    const ctx = { now: T0 + 4 * 30_000, names, selectors, thresholds: resolveThresholds({}), targets: {} };
    const [f] = evaluate(h, ctx, emptyMemo()).findings.filter((x) => x.rule === 'memory-pressure');
    expect(f?.severity).toBe('warning');
    expect(f?.promql).toContain('cadvisor_ws_bytes{');
  });
});

describe('resolveThresholds', () => {
  it('applies defaults and overrides', () => {
    const t = resolveThresholds({ memoryWarnRatio: 0.8 });
    expect(t.memoryWarnRatio).toBe(0.8);
    expect(t.memoryCritRatio).toBe(0.95);
    expect(t.atomDefaultLimit).toBe(1_048_576);
  });

  it('throws a zod error with the issue path for unknown keys and bad values', () => {
    expect(() => resolveThresholds({ memoryWarnRatoi: 0.8 })).toThrow(/memoryWarnRatoi/);
    try {
      resolveThresholds({ ttoGraceMinutes: -1 });
      expect.unreachable();
    } catch (e) {
      expect((e as { issues: { path: unknown[] }[] }).issues[0]!.path).toEqual(['ttoGraceMinutes']);
    }
    expect(() => resolveThresholds({ memoryWarnRatio: 0.97 })).toThrow(/memoryWarnRatio must not exceed memoryCritRatio/);
  });
});
