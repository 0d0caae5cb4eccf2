import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ScrapeTrendsCheck } from '../../../functions/config/builtin-checks.ts';
import { RunbookSelectors } from '../../../functions/config/metric-names.ts';
import {
  cleanSeries,
  EXPOSITION_GROWTH_RULE,
  EXPOSITION_LARGE_RULE,
  expositionGrowth,
  scrapeTrends,
  SCRAPE_SLOW_RULE,
  sinceLastDrop,
  type TrendInput,
} from '../../../functions/core/probes/codex-checks.ts';

const MIN = 60_000;
const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const thresholds = ScrapeTrendsCheck.parse({});
const selectors = RunbookSelectors.parse({});
type Series = Array<[number, number]>;

/** One point a minute for `minutes`, ending at NOW. */
function series(minutes: number, value: (i: number) => number): Series {
  return Array.from({ length: minutes }, (_, i) => [NOW - (minutes - 1 - i) * MIN, value(i)] as [number, number]);
}
function input(over: Partial<TrendInput> = {}): TrendInput {
  return {
    target: { name: 'codex-pooler-app-0', kind: 'metrics' },
    selectors,
    durationMs: series(5, () => 40),
    bytes: series(30, () => 200_000),
    timeoutMs: 10_000,
    maxBytes: 32 * 1024 * 1024,
    now: NOW,
    thresholds,
    ...over,
  };
}
const rules = (i: TrendInput) => scrapeTrends(i).map((f) => f.rule);

describe('scrape-slow', () => {
  it('fires when the median of the last three scrapes reaches half the timeout', () => {
    const f = scrapeTrends(input({ durationMs: series(5, (i) => (i < 2 ? 100 : 6_000)) }));
    expect(f.map((x) => x.rule)).toEqual([SCRAPE_SLOW_RULE]);
    expect(f[0]).toMatchObject({ severity: 'warning', evidence: { durationMs: 6_000, timeoutMs: 10_000, ratio: 0.6 } });
    expect(f[0]!.promql).toBe('scrape_duration_seconds{namespace="codex-pooler", job="codex-pooler-app", pod="codex-pooler-app-0"}');
    expect(f[0]!.series!.length).toBe(5);
  });

  it('ignores one slow scrape, and speaks only with three points', () => {
    expect(rules(input({ durationMs: series(5, (i) => (i === 4 ? 9_000 : 100)) }))).toEqual([]);
    expect(rules(input({ durationMs: series(2, () => 9_000) }))).toEqual([]);
  });
});

describe('exposition-large', () => {
  it('fires at half of maxBytes, scoped to the namespace for a federate target', () => {
    const f = scrapeTrends(input({ target: { name: 'prometheus', kind: 'federate' }, bytes: series(3, () => 600), maxBytes: 1_000 }));
    expect(f.map((x) => x.rule)).toEqual([EXPOSITION_LARGE_RULE]);
    expect(f[0]!.evidence).toMatchObject({ bytes: 600, maxBytes: 1_000, ratio: 0.6 });
    expect(f[0]!.promql).toBe('topk(10, count by (__name__) ({namespace="codex-pooler"}))');
  });
});

describe('exposition-growth', () => {
  it('fires on steady growth: +2% a minute over 30 minutes', () => {
    const f = expositionGrowth(input({ bytes: series(30, (i) => 200_000 + i * 4_000) }))!;
    expect(f.rule).toBe(EXPOSITION_GROWTH_RULE);
    expect(f.severity).toBe('warning');
    expect(f.evidence.bytesPerHour).toBe(240_000);
    expect(f.evidence.windowMinutes).toBe(29);
    expect(f.summary).toMatch(/grows 234\.4 KiB\/h \(\d+%\/h\)/);
    expect(f.hint).toMatch(/cardinality/);
    expect(f.promql).toContain('topk(10, count by (__name__)');
  });

  it('needs the minimum span and points', () => {
    expect(expositionGrowth(input({ bytes: series(15, (i) => 200_000 + i * 4_000) }))).toBeUndefined();
    const sparse: Series = [[NOW - 25 * MIN, 100_000], [NOW - 12 * MIN, 200_000], [NOW, 300_000]];
    expect(expositionGrowth(input({ bytes: sparse }))).toBeUndefined();
  });

  it('does not take the warm-up after a restart (ramp, then plateau) for growth', () => {
    const warmUp = series(30, (i) => (i < 10 ? 100_000 + i * 10_000 : 200_000));
    expect(expositionGrowth(input({ bytes: warmUp }))).toBeUndefined();
  });

  it('counts growth from the last restart-like drop', () => {
    // Grew before a restart, flat after it: the old growth must not count.
    const restarted = series(30, (i) => (i < 15 ? 200_000 + i * 20_000 : 150_000));
    expect(expositionGrowth(input({ bytes: restarted }))).toBeUndefined();
    expect(sinceLastDrop(cleanSeries(restarted, NOW, 30 * MIN)).length).toBe(15);
  });

  it('ignores small absolute growth of a tiny exposition', () => {
    expect(expositionGrowth(input({ bytes: series(30, (i) => 1_000 + i * 100) }))).toBeUndefined();
  });

  it('takes growthSeverity from config', () => {
    const t = ScrapeTrendsCheck.parse({ growthSeverity: 'info' });
    expect(expositionGrowth(input({ thresholds: t, bytes: series(30, (i) => 200_000 + i * 4_000) }))!.severity).toBe('info');
  });

  it('property: a flat series never yields growth, whatever its level and timing', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 1e12, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 30 * MIN - 1 }), { minLength: 0, maxLength: 80 }),
        (v, offsets) => {
          const flat: Series = offsets.map((o) => [NOW - o, v]);
          expect(expositionGrowth(input({ bytes: flat }))).toBeUndefined();
        },
      ),
    );
  });

  it('property: a non-increasing series never yields growth', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e9, noNaN: true }), { minLength: 0, maxLength: 60 }), (values) => {
        const sorted = [...values].sort((a, b) => b - a);
        expect(expositionGrowth(input({ bytes: sorted.map((v, i) => [NOW - (sorted.length - 1 - i) * 30_000, v]) }))).toBeUndefined();
      }),
    );
  });
});

describe('hostile inputs', () => {
  it('drops NaN, infinities, negatives, future and out-of-window points; sorts and dedups by time', () => {
    const messy: Series = [
      [NOW, 5],
      [NOW - MIN, NaN],
      [NOW - 2 * MIN, -3],
      [NOW - 3 * MIN, Infinity],
      [NaN, 7],
      [NOW + MIN, 9],
      [NOW - 31 * MIN, 4],
      [NOW - 4 * MIN, 1],
      [NOW - 4 * MIN, 2],
    ];
    expect(cleanSeries(messy, NOW, 30 * MIN)).toEqual([
      { t: NOW - 4 * MIN, v: 2 },
      { t: NOW, v: 5 },
    ]);
  });

  it('empty series, zero or absurd limits: no finding, no throw', () => {
    expect(scrapeTrends(input({ durationMs: [], bytes: [] }))).toEqual([]);
    expect(scrapeTrends(input({ timeoutMs: 0, maxBytes: 0, durationMs: series(3, () => 1e9), bytes: series(3, () => 1e9) }))).toEqual([]);
    expect(scrapeTrends(input({ timeoutMs: NaN, maxBytes: NaN }))).toEqual([]);
  });

  it('property: any input gives well-formed findings and never throws', () => {
    const value = fc.oneof(fc.double(), fc.constant(NaN), fc.constant(-1), fc.integer({ min: -1e6, max: 1e9 }));
    const point = fc.tuple(fc.integer({ min: NOW - 40 * MIN, max: NOW + MIN }), value);
    fc.assert(
      fc.property(fc.array(point, { maxLength: 60 }), fc.array(point, { maxLength: 60 }), fc.double(), fc.double(), (d, b, timeoutMs, maxBytes) => {
        for (const f of scrapeTrends(input({ durationMs: d, bytes: b, timeoutMs, maxBytes }))) {
          expect(f.summary).not.toMatch(/NaN|Infinity/);
          for (const v of Object.values(f.evidence)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
        }
      }),
    );
  });
});
