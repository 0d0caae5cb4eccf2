import { CloudWatchClient, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { PutMetricDataCommandInput } from '@aws-sdk/client-cloudwatch';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DIMENSION_NAMES, METRIC_NAMES, createMetricsPublisher, dimensionValue } from '../../../functions/platform/aws/cloudwatch-metrics.ts';
import type { DimensionName, MetricName } from '../../../functions/platform/aws/cloudwatch-metrics.ts';
import { createSanitizer } from '../../../functions/core/sanitize/index.ts';
import { FAKE_CREDENTIALS } from './local-dynamo.ts';

const cw = mockClient(CloudWatchClient);
const client = new CloudWatchClient({ region: 'us-east-1', endpoint: 'http://127.0.0.1:9', credentials: FAKE_CREDENTIALS });
const T = Date.UTC(2026, 10, 24, 10, 0, 0);
const inputs = (): PutMetricDataCommandInput[] => cw.commandCalls(PutMetricDataCommand).map((c) => c.args[0].input);

beforeEach(() => {
  cw.reset();
  cw.on(PutMetricDataCommand).resolves({});
});
afterEach(() => cw.reset());

describe('createMetricsPublisher', () => {
  it('publishes buffered data points with units, timestamps and sorted dimensions', async () => {
    const m = createMetricsPublisher({ client, namespace: 'PoolerWatch', now: () => T, sanitizer: createSanitizer({ secrets: [] }) });
    expect(m.record('ProbeLatencyMs', 123, 'Milliseconds', { Target: 'prod', Pod: 'codex-pooler-7d9f8b6c5-x2x9k' })).toBe(true);
    expect(m.record('ScrapeBytes', 4096, 'Bytes')).toBe(true);
    expect(m.pending).toBe(2);
    expect(await m.flush()).toEqual({ requests: 1, sent: 2, failed: 0, errors: [] });
    expect(m.pending).toBe(0);
    expect(inputs()).toEqual([
      {
        Namespace: 'PoolerWatch',
        MetricData: [
          {
            MetricName: 'ProbeLatencyMs',
            Value: 123,
            Unit: 'Milliseconds',
            Timestamp: new Date(T),
            Dimensions: [
              { Name: 'Pod', Value: 'codex-pooler-7d9f8b6c5-x2x9k' },
              { Name: 'Target', Value: 'prod' },
            ],
          },
          { MetricName: 'ScrapeBytes', Value: 4096, Unit: 'Bytes', Timestamp: new Date(T) },
        ],
      },
    ]);
    expect(await m.flush()).toEqual({ requests: 0, sent: 0, failed: 0, errors: [] });
    expect(inputs()).toHaveLength(1);
  });

  it('batches at 1000 data points per request', async () => {
    const m = createMetricsPublisher({ client, namespace: 'PoolerWatch' });
    for (let i = 0; i < 2_345; i++) m.record('WorkingSetRatio', i / 2_345, 'None', { Pod: `pod-${i % 50}` });
    expect(await m.flush()).toMatchObject({ requests: 3, sent: 2_345, failed: 0 });
    expect(inputs().map((i) => i.MetricData?.length)).toEqual([1_000, 1_000, 345]);
  });

  it('also splits by estimated request size (1 MB limit)', async () => {
    const m = createMetricsPublisher({ client, namespace: 'PoolerWatch' });
    const long = (c: string) => `${c}-`.repeat(120);
    for (let i = 0; i < 1_000; i++) {
      m.record('AlertsFiring', i, 'Count', Object.fromEntries(DIMENSION_NAMES.map((d) => [d, `${long(d.toLowerCase())}${i}`])));
    }
    const result = await m.flush();
    expect(result.sent).toBe(1_000);
    expect(result.requests).toBeGreaterThan(1);
    for (const input of inputs()) expect(JSON.stringify(input).length).toBeLessThan(1_000_000);
  });

  it('skips non-finite and out-of-range values and names outside the allowlists', () => {
    const m = createMetricsPublisher({ client, namespace: 'PoolerWatch' });
    expect(m.record('MinutesToOom', Number.NaN, 'None')).toBe(false);
    expect(m.record('MinutesToOom', Number.POSITIVE_INFINITY, 'None')).toBe(false);
    expect(m.record('MinutesToOom', Number.NEGATIVE_INFINITY, 'None')).toBe(false);
    expect(m.record('MinutesToOom', Number.MAX_VALUE, 'None')).toBe(false);
    expect(m.record('Bogus' as MetricName, 1, 'None')).toBe(false);
    expect(m.record('AlertsFiring', 1, 'Count', { Namespace: 'x' } as never)).toBe(false);
    expect(m.record('MinutesToOom', 0, 'None')).toBe(true);
    expect(m.pending).toBe(1);
  });

  it('reports failed requests by error name and keeps going', async () => {
    cw.on(PutMetricDataCommand).rejectsOnce(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' })).resolves({});
    const m = createMetricsPublisher({ client, namespace: 'PoolerWatch' });
    for (let i = 0; i < 1_500; i++) m.record('NotificationsSent', 1, 'Count');
    expect(await m.flush()).toEqual({ requests: 2, sent: 500, failed: 1_000, errors: ['ThrottlingException'] });
  });

  it('every allowlisted metric name is accepted', () => {
    const m = createMetricsPublisher({ client, namespace: 'PoolerWatch' });
    for (const name of METRIC_NAMES) expect(m.record(name, 1, 'Count')).toBe(true);
  });
});

describe('dimension values', () => {
  const sanitizer = createSanitizer({ secrets: ['hunter2-very-secret'] });

  it('are capped at 255 chars, never empty, and wholly redacted when anything looked secret', () => {
    expect(dimensionValue('x'.repeat(300), sanitizer)).toHaveLength(255);
    expect(dimensionValue('   ', sanitizer)).toBe('none');
    expect(dimensionValue('pod hunter2-very-secret', sanitizer)).toBe('redacted');
    expect(dimensionValue('Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlc2lnbmF0dXJl', sanitizer)).toBe('redacted');
    expect(dimensionValue('https://user:pa55word@example.com/x', sanitizer)).toBe('redacted');
    expect(dimensionValue('codex-pooler-7d9f8b6c5-x2x9k', sanitizer)).toBe('codex-pooler-7d9f8b6c5-x2x9k');
  });

  it('property: a registered secret injected into dimension values never reaches PutMetricData', async () => {
    const fixed = ['PoolerWatch', 'redacted', 'none', ...METRIC_NAMES, ...DIMENSION_NAMES, 'Count', 'MetricName', 'Dimensions', 'Namespace'];
    const secretArb = fc.string({ minLength: 6, maxLength: 40 }).filter((s) => s.trim().length >= 6 && !fixed.some((f) => f.includes(s)));
    const dims = fc.uniqueArray(fc.constantFrom<DimensionName>(...DIMENSION_NAMES), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(secretArb, dims, fc.string({ maxLength: 300 }), fc.string({ maxLength: 300 }), async (secret, names, before, after) => {
        cw.resetHistory();
        const m = createMetricsPublisher({ client, namespace: 'PoolerWatch', now: () => T, sanitizer: createSanitizer({ secrets: [secret] }) });
        m.record('AlertsFiring', 1, 'Count', Object.fromEntries(names.map((n, i) => [n, i % 2 ? `${before}${secret}${after}` : `${secret}${after}`])));
        await m.flush();
        const values = inputs().flatMap((i) => (i.MetricData ?? []).flatMap((d) => (d.Dimensions ?? []).map((x) => String(x.Value))));
        expect(values).toHaveLength(names.length);
        for (const v of values) {
          expect(v).not.toContain(secret);
          expect(v).not.toContain(encodeURIComponent(secret));
        }
      }),
      { numRuns: 200 },
    );
  });
});
