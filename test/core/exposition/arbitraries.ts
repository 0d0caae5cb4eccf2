import fc from 'fast-check';
import type { ExpositionFormat, MetricFamily, MetricType, Sample } from '../../../functions/core/exposition/index.ts';

/** Label names: valid, never reserved, never the special `le`/`quantile`. */
const labelName = fc
  .stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,12}$/)
  .filter((n) => n !== '__name__' && n !== 'le' && n !== 'quantile' && n !== '__proto__');

/** Mostly ASCII (the byte fast path), sometimes any code point (the exact path). */
const labelValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '"', '\\', '\n', 'a\\"b\\n', '}', ',', '\t', '\r') },
);

const labels = fc.dictionary(labelName, labelValue, { maxKeys: 5 });

const value = fc.oneof(
  fc.integer({ min: -1e9, max: 1e12 }),
  fc.double(),
  fc.constantFrom(NaN, Infinity, -Infinity, 0, -0, 0.005, 1e-300),
);

const leValue = fc.constantFrom('0.005', '0.1', '1', '2.5', '+Inf', '1e3');

function sampleArb(name: string, format: ExpositionFormat, special?: 'le' | 'quantile', exemplar = false): fc.Arbitrary<Sample> {
  const specialValue = special === 'le' ? leValue : fc.constantFrom('0.5', '0.9', '0.99');
  // OpenMetrics timestamps travel as seconds: keep them where ms/1000 still round-trips exactly.
  const timestamp = format === 'text' ? fc.integer({ min: -1e15, max: 1e15 }) : fc.integer({ min: -1e13, max: 1e13 });
  return fc
    .record({
      labels,
      special: specialValue,
      value,
      timestamp: fc.option(timestamp, { nil: undefined }),
      exemplar: fc.option(
        fc.record({ labels: fc.dictionary(fc.constantFrom('trace_id', 'span_id'), fc.string({ maxLength: 20 })), value, timestamp: fc.option(timestamp, { nil: undefined }) }),
        { nil: undefined },
      ),
    })
    .map((r) => {
      const l = special === undefined ? r.labels : { ...r.labels, [special]: r.special };
      const sample: Sample = { name, labels: l, value: r.value };
      if (r.timestamp !== undefined) sample.timestamp = r.timestamp;
      if (exemplar && r.exemplar !== undefined) {
        sample.exemplar = { labels: r.exemplar.labels, value: r.exemplar.value };
        if (r.exemplar.timestamp !== undefined) sample.exemplar.timestamp = r.exemplar.timestamp;
      }
      return sample;
    });
}

/** [suffix, special label, may carry an exemplar] for every sample kind a type owns. */
function kindsOf(type: MetricType, format: ExpositionFormat): Array<[string, 'le' | 'quantile' | undefined, boolean]> {
  const om = format === 'openmetrics';
  switch (type) {
    case 'counter':
      return om ? [['_total', undefined, true], ['_created', undefined, false]] : [['', undefined, false]];
    case 'histogram':
      return [['_bucket', 'le', om], ['_sum', undefined, false], ['_count', undefined, false], ['_created', undefined, false]];
    case 'gaugehistogram':
      return [['_bucket', 'le', true], ['_gsum', undefined, false], ['_gcount', undefined, false]];
    case 'summary':
      return [['', 'quantile', false], ['_sum', undefined, false], ['_count', undefined, false]];
    case 'info':
      return [['_info', undefined, false]];
    default:
      return [['', undefined, false]];
  }
}

const TEXT_TYPES: MetricType[] = ['counter', 'gauge', 'histogram', 'summary', 'untyped'];
const OM_TYPES: MetricType[] = ['counter', 'gauge', 'histogram', 'gaugehistogram', 'summary', 'info', 'stateset', 'unknown'];

function familyArb(index: number, format: ExpositionFormat): fc.Arbitrary<MetricFamily> {
  const help = format === 'text'
    ? fc.string({ maxLength: 30 }).filter((h) => !/^[ \t]/.test(h)) // text trims leading blanks before HELP
    : fc.string({ unit: 'binary', maxLength: 30 });
  return fc
    .record({
      base: fc.stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,10}$/),
      type: fc.constantFrom(...(format === 'text' ? TEXT_TYPES : OM_TYPES)),
      help: fc.option(help, { nil: undefined }),
      unit: fc.option(fc.constantFrom('seconds', 'bytes'), { nil: undefined }),
    })
    .chain(({ base, type, help, unit }) => {
      // A distinct prefix per family keeps one family's sample names from colliding with another's.
      const name = `f${index}_${base}${format === 'openmetrics' && unit !== undefined ? `_${unit}` : ''}`;
      const kinds = kindsOf(type, format);
      const samples = fc.array(
        fc.integer({ min: 0, max: kinds.length - 1 }).chain((k) => {
          const [suffix, special, exemplar] = kinds[k]!;
          return sampleArb(name + suffix, format, special, exemplar && format === 'openmetrics');
        }),
        { maxLength: 6 },
      );
      return samples.map((s) => {
        const family: MetricFamily = { name, type, samples: s };
        if (help !== undefined) family.help = help;
        if (format === 'openmetrics' && unit !== undefined) family.unit = unit;
        return family;
      });
    });
}

/** Valid families for `format`, in the shape `parseExposition` returns. */
export function familiesArb(format: ExpositionFormat): fc.Arbitrary<MetricFamily[]> {
  return fc.integer({ min: 0, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => familyArb(i, format))));
}

/** Lines that look like exposition, valid or subtly not: for the garbage and differential properties. */
export const exposition = fc
  .array(
    fc.oneof(
      { weight: 8, arbitrary: fc.constantFrom(
        'foo 1', 'foo{a="b"} 1 1700000000000', 'foo{a="b",c="d"} 2', 'foo{a="c",c="d"} 2', 'foo{a="b",c="e"} 2',
        'foo{a="b"} 1.5 -3', 'foo{a="b"} NaN', 'bar{x="y",a="b"} 7', 'h_bucket{le="+Inf"} 9', 'foo_total{a="b"} 1',
        'foo 1 99999999999999999999', 'foo 12345678901234567890 1234567890123456', 'foo 1 1700000000.123',
      ) },
      { weight: 4, arbitrary: fc.constantFrom(
        'foo 1', 'foo{a="b"} 1 1700000000000', 'foo{a="b",c="d"} 2', 'foo{a="b",} 3', 'foo{ a="b"} 4', 'foo {a="b"} 5',
        'foo{a="x\\"y"} 1', 'foo{a="\\q"} 1', 'foo{a="b",a="c"} 1', 'h_bucket{le="0.5"} 1', 'h_bucket{le="x"} 1', 'h_sum 2',
        'h 1', 's{quantile="0.9"} 1', 's 1', '# TYPE h histogram', '# TYPE s summary', '# TYPE foo counter', '# HELP foo h',
        '# HELP foo \\q', '# TYPE foo gauge', 'foo_total 1', 'foo 1 2 3', 'foo NaN', 'foo +Inf', 'foo 1e999', 'foo 1\r',
        'foo 1 1.5', 'foo_total 1 # {t="1"} 2', '# EOF', '', '  ', '#', 'bar{__name__="x"} 1', 'foo{1="x"} 1', 'foo',
        'foo{a="b"}', 'foo 0x1', 'foo{a="b"}1', 'foo\t1', 'foo{__proto__="p"} 1', '# TYPE foo info', '# UNIT foo x',
      ) },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
      { weight: 3, arbitrary: fc.stringMatching(/^[a-z_]{1,5}(\{([a-z]{1,3}="[a-z\\"]{0,4}",?){0,3}\})? ?[0-9.e+-]{0,6}( [0-9]{0,4})?$/) },
    ),
    { maxLength: 12 },
  )
  .chain((lines) => fc.constantFrom('\n', '\n', '\n# EOF\n', '').map((tail) => lines.join('\n') + tail));
