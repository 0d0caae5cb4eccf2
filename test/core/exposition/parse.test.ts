import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseExposition } from '../../../functions/core/exposition/index.ts';
import type { MetricFamily, Sample } from '../../../functions/core/exposition/index.ts';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/exposition/${name}`, import.meta.url), 'utf8');

function family(families: MetricFamily[], name: string): MetricFamily {
  const found = families.find((f) => f.name === name);
  if (found === undefined) throw new Error(`no family ${name}`);
  return found;
}

function only(text: string, format: 'text' | 'openmetrics' = 'text'): Sample {
  const families = parseExposition(text, format);
  expect(families).toHaveLength(1);
  expect(families[0]!.samples).toHaveLength(1);
  return families[0]!.samples[0]!;
}

describe('parseExposition: Codex Pooler /metrics (text 0.0.4)', () => {
  const families = parseExposition(fixture('codex-pooler.prom'), 'text');

  it('reads gauges with HELP and TYPE', () => {
    expect(family(families, 'vm_memory_total_bytes')).toEqual({
      name: 'vm_memory_total_bytes',
      type: 'gauge',
      help: 'The total amount of memory currently allocated.',
      samples: [{ name: 'vm_memory_total_bytes', labels: {}, value: 612367360 }],
    });
  });

  it('keeps counters named with and without _total as their own families', () => {
    expect(family(families, 'codex_pooler_http_request_count').type).toBe('counter');
    expect(family(families, 'codex_pooler_http_request_count').samples).toHaveLength(6);
    expect(family(families, 'codex_pooler_gateway_stream_buffer_oversized_count_total').samples[0]!.value).toBe(14);
  });

  it('groups _bucket, _sum and _count under the histogram family', () => {
    const histogram = family(families, 'codex_pooler_gateway_admission_dequeued_time_seconds');
    expect(histogram.type).toBe('histogram');
    expect(new Set(histogram.samples.map((s) => s.name))).toEqual(
      new Set(['_bucket', '_sum', '_count'].map((suffix) => `codex_pooler_gateway_admission_dequeued_time_seconds${suffix}`)),
    );
    const inf = histogram.samples.find((s) => s.labels['le'] === '+Inf' && s.labels['transport'] === 'websocket');
    expect(inf).toEqual({
      name: 'codex_pooler_gateway_admission_dequeued_time_seconds_bucket',
      labels: { route_class: 'responses', transport: 'websocket', le: '+Inf' },
      value: 971,
    });
    expect(families.some((f) => f.name.endsWith('_bucket'))).toBe(false);
  });

  it('groups quantiles, _sum and _count under the summary family, NaN included', () => {
    const summary = family(families, 'codex_pooler_upstream_latency_seconds');
    expect(summary.type).toBe('summary');
    expect(summary.samples.map((s) => s.labels['quantile'] ?? s.name)).toEqual([
      '0.5', '0.95', '0.99', 'codex_pooler_upstream_latency_seconds_sum', 'codex_pooler_upstream_latency_seconds_count',
    ]);
    expect(summary.samples[2]!.value).toBeNaN();
  });

  it('unescapes label values and HELP text', () => {
    const build = family(families, 'codex_pooler_build_info');
    expect(build.help).toBe('Build metadata; the "version" label is escaped \\ as a test.');
    expect(build.samples[0]!.labels['note']).toBe('quote " backslash \\ newline \n end');
  });

  it('turns a series without TYPE into its own untyped family and ignores plain comments', () => {
    const untyped = family(families, 'codex_pooler_last_config_reload_timestamp_seconds');
    expect(untyped).toEqual({
      name: 'codex_pooler_last_config_reload_timestamp_seconds',
      type: 'untyped',
      samples: [{ name: 'codex_pooler_last_config_reload_timestamp_seconds', labels: {}, value: 1795001200 }],
    });
    expect(families).toHaveLength(32);
  });
});

describe('parseExposition: OpenMetrics 1.0', () => {
  const families = parseExposition(fixture('codex-pooler.om.txt'), 'openmetrics');

  it('owns _total and _created under the counter family and converts seconds to milliseconds', () => {
    const counter = family(families, 'codex_pooler_http_requests');
    expect(counter.type).toBe('counter');
    expect(counter.samples[0]).toEqual({
      name: 'codex_pooler_http_requests_total',
      labels: { method: 'POST', status_class: '2xx' },
      value: 120934,
      exemplar: { labels: { trace_id: '4bf92f3577b34da6' }, value: 1, timestamp: 1795000000123 },
    });
    expect(counter.samples[1]!.name).toBe('codex_pooler_http_requests_created');
    expect(family(families, 'vm_memory_total_bytes').samples[0]!.timestamp).toBe(1795000000250);
  });

  it('reads UNIT, escaped HELP, histogram exemplars and _created', () => {
    const histogram = family(families, 'codex_pooler_http_request_duration_seconds');
    expect(histogram.unit).toBe('seconds');
    expect(histogram.help).toBe('Endpoint/router latency with a "quoted" word.');
    expect(histogram.samples[0]!.exemplar).toEqual({ labels: { trace_id: '0af7651916cd43dd' }, value: 0.084 });
    expect(histogram.samples.map((s) => s.name.slice('codex_pooler_http_request_duration_seconds'.length))).toEqual([
      '_bucket', '_bucket', '_bucket', '_sum', '_count', '_created',
    ]);
  });

  it('owns _info under an info family, reads ±Inf, and types a series without TYPE as unknown', () => {
    expect(family(families, 'codex_pooler_build').samples[0]!.name).toBe('codex_pooler_build_info');
    const summary = family(families, 'codex_pooler_upstream_latency_seconds');
    expect(summary.samples.map((s) => s.value)).toEqual([0.41, Infinity, -Infinity, 3]);
    expect(family(families, 'codex_pooler_scratch_value').type).toBe('unknown');
  });

  it('accepts # EOF without a trailing line feed and gaugehistogram/stateset families', () => {
    const text = '# TYPE g gaugehistogram\ng_bucket{le="+Inf"} 3\ng_gcount 3\ng_gsum 1.5\n# TYPE s stateset\ns{s="a"} 1\n# EOF';
    const parsed = parseExposition(text, 'openmetrics');
    expect(parsed.map((f) => [f.name, f.type, f.samples.length])).toEqual([['g', 'gaugehistogram', 3], ['s', 'stateset', 1]]);
  });

  it('rounds sub-millisecond OpenMetrics timestamps to whole milliseconds', () => {
    expect(only('foo 1 1700000000.0004\n# EOF\n', 'openmetrics').timestamp).toBe(1700000000000);
    expect(only('foo 1 1.5e3\n# EOF\n', 'openmetrics').timestamp).toBe(1500000);
  });
});

describe('parseExposition: federate output', () => {
  const families = parseExposition(fixture('federate.prom'), 'text');

  it('keeps every timestamp and every label set of untyped federated families', () => {
    const ws = family(families, 'container_memory_working_set_bytes');
    expect(ws.type).toBe('untyped');
    expect(ws.samples.map((s) => [s.labels['pod'], s.value, s.timestamp])).toEqual([
      ['codex-pooler-app-7d9f8c6b5-x7k2p', 1503238553, 1795000000123],
      ['codex-pooler-app-7d9f8c6b5-q9w4z', 1503239553, 1795000000456],
    ]);
    const buckets = family(families, 'codex_pooler_gateway_admission_dequeued_time_seconds_bucket');
    expect(buckets.samples).toHaveLength(6);
    expect(families.flatMap((f) => f.samples).every((s) => s.timestamp !== undefined)).toBe(true);
  });
});

describe('parseExposition: text-format details (expfmt behaviour)', () => {
  it('accepts blanks around tokens, a trailing comma and negative timestamps', () => {
    expect(only('  foo { a = "b" ,\tc="d", } 1  -5  \n')).toEqual({ name: 'foo', labels: { a: 'b', c: 'd' }, value: 1, timestamp: -5 });
  });

  it.each([
    ['+Inf', Infinity], ['-Inf', -Infinity], ['inf', Infinity], ['-infinity', -Infinity], ['1.5e3', 1500], ['.5', 0.5],
    ['1.', 1], ['-0.25', -0.25], ['+3', 3], ['007', 7], ['1E-2', 0.01], ['123456789012345678', 123456789012345680],
  ])('reads the value %s', (raw, value) => {
    expect(only(`foo ${raw}\n`).value).toBe(value);
  });

  it('reads NaN in any case', () => {
    expect(only('foo nan\n').value).toBeNaN();
    expect(only('foo NaN\n').value).toBeNaN();
  });

  it('allows quotes, braces and commas inside label values, and non-ASCII text', () => {
    expect(only('foo{a="}",b=",",c="µs ✓ 😀"} 1\n').labels).toEqual({ a: '}', b: ',', c: 'µs ✓ 😀' });
  });

  it('stores a label named __proto__ as a label, not as the prototype', () => {
    const labels = only('foo{__proto__="x",constructor="y"} 1\n').labels;
    expect(Object.keys(labels)).toEqual(['__proto__', 'constructor']);
    expect(labels['__proto__']).toBe('x');
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
  });

  it('merges samples of a family that appears twice, keeps metadata-only families, skips blank lines', () => {
    const families = parseExposition('a 1\n\nb 1\n   \n# HELP c no samples\na 2\n', 'text');
    expect(families.map((f) => [f.name, f.samples.length])).toEqual([['a', 2], ['b', 1], ['c', 0]]);
  });

  it('treats #HELP without a space as HELP and other comments as comments', () => {
    const families = parseExposition('#HELP foo x\n# HELPER whatever\n#\nfoo 1\n', 'text');
    expect(families).toEqual([{ name: 'foo', type: 'untyped', help: 'x', samples: [{ name: 'foo', labels: {}, value: 1 }] }]);
  });

  it('owns only the exact name with a text counter: foo_total is another family', () => {
    const families = parseExposition('# TYPE foo counter\nfoo 1\nfoo_total 2\n', 'text');
    expect(families.map((f) => [f.name, f.type])).toEqual([['foo', 'counter'], ['foo_total', 'untyped']]);
  });

  it('returns nothing for an empty body', () => {
    expect(parseExposition('', 'text')).toEqual([]);
  });
});
