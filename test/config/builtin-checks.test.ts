import { describe, expect, it } from 'vitest';
import { BuiltinChecks, DEFAULT_EXPECTED_FAMILIES } from '../../functions/config/builtin-checks.ts';
import { Config } from '../../functions/config/schema.ts';

describe('BuiltinChecks config', () => {
  it('is on by default with the documented defaults, also as part of the whole config', () => {
    const c = Config.parse({ targets: [{ name: 'a', url: 'http://127.0.0.1/metrics' }] }).builtinChecks;
    expect(c).toEqual(BuiltinChecks.parse({}));
    expect(c).toMatchObject({
      enabled: true,
      families: { enabled: true, expected: [...DEFAULT_EXPECTED_FAMILIES], severity: 'warning' },
      metricsAuth: { mode: 'expect-protected', targets: {}, severity: 'warning', timeout: 3_000 },
      scrapeTrends: { enabled: true, window: 1_800_000, slowRatio: 0.5, largeRatio: 0.5, growthRatioPerHour: 0.25, growthMinSpan: 1_200_000 },
    });
  });

  it('parses durations and per-target modes', () => {
    const c = BuiltinChecks.parse({ metricsAuth: { timeout: '2s', targets: { 'app-0': 'expect-open' } }, scrapeTrends: { window: '1h' } });
    expect(c.metricsAuth).toMatchObject({ timeout: 2_000, targets: { 'app-0': 'expect-open' } });
    expect(c.scrapeTrends.window).toBe(3_600_000);
  });

  it.each([
    ['an unknown key', { nope: true }],
    ['an unknown nested key', { metricsAuth: { token: 'x' } }],
    ['an unknown mode', { metricsAuth: { mode: 'maybe' } }],
    ['a raw metric name instead of a MetricNames key', { families: { expected: ['vm_memory_total_bytes'] } }],
    ['no expected family', { families: { expected: [] } }],
    ['a ratio above 1', { scrapeTrends: { slowRatio: 1.5 } }],
    ['growthMinSpan longer than the window', { scrapeTrends: { window: '10m', growthMinSpan: '20m' } }],
  ])('rejects %s', (_, input) => {
    expect(BuiltinChecks.safeParse(input).success).toBe(false);
  });
});
