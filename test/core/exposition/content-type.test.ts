import { describe, expect, it } from 'vitest';
import { ACCEPT_HEADER, formatFromContentType } from '../../../functions/core/exposition/index.ts';

describe('formatFromContentType', () => {
  it.each([
    ['application/openmetrics-text; version=1.0.0; charset=utf-8', 'openmetrics'],
    ['application/openmetrics-text;version=0.0.1', 'openmetrics'],
    ['Application/OpenMetrics-Text', 'openmetrics'],
    ['text/plain; version=0.0.4; charset=utf-8', 'text'],
    ['text/plain', 'text'],
    ['  text/plain  ;charset=utf-8', 'text'],
    [undefined, 'text'],
    ['', 'text'],
    ['text/html; charset=utf-8', undefined],
    ['application/json', undefined],
    ['application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited', undefined],
  ] as const)('%j → %s', (header, expected) => {
    expect(formatFromContentType(header)).toBe(expected);
  });
});

describe('ACCEPT_HEADER', () => {
  /** [media type, q] in header order, version parameter kept on the media type. */
  const ranges = ACCEPT_HEADER.split(',').map((range) => {
    const params = range.split(';');
    const q = params.find((p) => p.startsWith('q='));
    return [params.filter((p) => !p.startsWith('q=')).join(';'), q === undefined ? 1 : Number(q.slice(2))] as const;
  });

  it('prefers OpenMetrics 1.0.0, then text 0.0.4, then anything, with decreasing q-values', () => {
    const q = (type: string): number => ranges.find(([t]) => t === type)?.[1] ?? -1;
    expect(q('application/openmetrics-text;version=1.0.0')).toBeGreaterThan(q('text/plain;version=0.0.4'));
    expect(q('text/plain;version=0.0.4')).toBeGreaterThan(q('*/*'));
    expect(q('*/*')).toBeGreaterThan(0);
    expect(ranges[0]![0]).toBe('application/openmetrics-text;version=1.0.0');
  });
});
