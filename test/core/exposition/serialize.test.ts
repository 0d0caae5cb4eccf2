import { describe, expect, it } from 'vitest';
import { serializeExposition } from '../../../functions/core/exposition/index.ts';
import type { MetricFamily } from '../../../functions/core/exposition/index.ts';

const families: MetricFamily[] = [
  {
    name: 'req_seconds',
    type: 'counter',
    help: 'Say "hi"\\ok\nnext',
    unit: 'seconds',
    samples: [
      { name: 'req_seconds_total', labels: { path: '/a"b\\c\nd' }, value: 3, timestamp: 1700000000123, exemplar: { labels: { id: 'x' }, value: 0.5 } },
      { name: 'req_seconds_created', labels: {}, value: -0 },
    ],
  },
  { name: 'g', type: 'gauge', samples: [{ name: 'g', labels: {}, value: NaN }, { name: 'g', labels: {}, value: -Infinity }] },
];

describe('serializeExposition', () => {
  it('writes the text format: HELP escapes only backslash and newline, integer ms timestamps, no UNIT/exemplars', () => {
    expect(serializeExposition(families, 'text')).toBe(
      '# HELP req_seconds Say "hi"\\\\ok\\nnext\n# TYPE req_seconds counter\n' +
        'req_seconds_total{path="/a\\"b\\\\c\\nd"} 3 1700000000123\nreq_seconds_created -0\n' +
        '# TYPE g gauge\ng NaN\ng -Inf\n',
    );
  });

  it('writes OpenMetrics: quotes escaped in HELP, UNIT, seconds, exemplars and # EOF', () => {
    expect(serializeExposition(families, 'openmetrics')).toBe(
      '# HELP req_seconds Say \\"hi\\"\\\\ok\\nnext\n# TYPE req_seconds counter\n# UNIT req_seconds seconds\n' +
        'req_seconds_total{path="/a\\"b\\\\c\\nd"} 3 1700000000.123 # {id="x"} 0.5\nreq_seconds_created -0\n' +
        '# TYPE g gauge\ng NaN\ng -Inf\n# EOF\n',
    );
  });
});
