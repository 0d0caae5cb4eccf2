import { describe, expect, it } from 'vitest';
import { recordCheckMetrics, type MetricDimensions } from '../../../functions/platform/aws/cloudwatch-metrics.ts';

describe('recordCheckMetrics', () => {
  it('maps check metric names to published ones with Check and Stage dimensions; unknown names are dropped', () => {
    const seen: Array<[string, number, string, MetricDimensions | undefined]> = [];
    const metrics = { record: (name: string, value: number, unit: string, dims?: MetricDimensions) => (seen.push([name, value, unit, dims]), true) };
    const n = recordCheckMetrics(
      metrics,
      [
        { check: 'api', name: 'CheckSuccess', value: 1, unit: 'Count' },
        { check: 'api', name: 'CheckLatency', value: 42, unit: 'Milliseconds' },
        { check: 'api', name: 'CertificateDaysLeft', value: 12.5, unit: 'None' },
        { check: 'api', name: 'SomethingElse', value: 1, unit: 'None' },
        { check: 'api', name: 'toString', value: 1, unit: 'None' },
      ],
      'prod',
    );
    expect(n).toBe(3);
    expect(seen).toEqual([
      ['CheckSuccess', 1, 'Count', { Stage: 'prod', Check: 'api' }],
      ['CheckLatencyMs', 42, 'Milliseconds', { Stage: 'prod', Check: 'api' }],
      ['CertDaysLeft', 12.5, 'None', { Stage: 'prod', Check: 'api' }],
    ]);
  });
});
