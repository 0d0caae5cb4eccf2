import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parsePromqlResponse, samplesToFamilies } from '../../functions/platform/promql-response.ts';

const vector = (result: unknown) => JSON.stringify({ status: 'success', data: { resultType: 'vector', result } });
const item = (metric: Record<string, unknown>, value: unknown = [1_700_000_000.123, '42']) => ({ metric, value });
const BODY_MARK = 'BODYMARK-5521';

describe('parsePromqlResponse: valid answers', () => {
  it('a vector: __name__ becomes the name, the other labels stay, values parse as Go floats', () => {
    const r = parsePromqlResponse(
      vector([
        item({ __name__: 'container_memory_rss', pod: 'a', container: 'app' }, [1, '1.5e+09']),
        item({ __name__: 'x', pod: 'b' }, [1, 'NaN']),
        item({ __name__: 'x', pod: 'c' }, [1, '+Inf']),
        item({ __name__: 'x', pod: 'd' }, [1, '-Inf']),
        item({ __name__: 'x', pod: 'e' }, [1, '-0.25']),
      ]),
      10,
    );
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.samples[0]).toEqual({ name: 'container_memory_rss', labels: { pod: 'a', container: 'app' }, value: 1.5e9 });
    expect(r.samples.map((s) => s.value)).toEqual([1.5e9, NaN, Infinity, -Infinity, -0.25]);
  });

  it('tolerates unknown fields (warnings, infos, stats) and skips what cannot map to a series', () => {
    const body = JSON.stringify({
      status: 'success',
      warnings: ['PromQL info: …'],
      infos: [],
      data: {
        resultType: 'vector',
        stats: { timings: {} },
        result: [item({ pod: 'a' }), { metric: { __name__: 'h', pod: 'a' }, histogram: [1, { count: '3' }] }, item({ __name__: 'ok', pod: 'a' })],
      },
    });
    const r = parsePromqlResponse(body, 10);
    expect(r.ok && [r.samples.map((s) => s.name), r.skipped]).toEqual([['ok'], 2]);
  });

  it('a scalar is accepted and carries no series; an empty vector is fine', () => {
    expect(parsePromqlResponse(JSON.stringify({ status: 'success', data: { resultType: 'scalar', result: [1, '3'] } }), 10)).toMatchObject({ ok: true, samples: [] });
    expect(parsePromqlResponse(vector([]), 10)).toMatchObject({ ok: true, samples: [] });
  });

  it('a __proto__ label is an own label, never the prototype', () => {
    const body = `{"status":"success","data":{"resultType":"vector","result":[{"metric":{"__name__":"x","__proto__":"polluted","pod":"a"},"value":[1,"1"]}]}}`;
    const r = parsePromqlResponse(body, 10);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const labels = r.samples[0]!.labels;
    expect(Object.getPrototypeOf(labels)).toBe(Object.prototype);
    expect(Object.keys(labels)).toEqual(['__proto__', 'pod']);
    expect(Object.getOwnPropertyDescriptor(labels, '__proto__')?.value).toBe('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('parsePromqlResponse: hostile or broken answers are clear failures, never echoing the body', () => {
  const cases: Array<[string, string, string, RegExp]> = [
    ['not JSON', `<html>${BODY_MARK}</html>`, 'parse-error', /not JSON/],
    ['no status', JSON.stringify({ data: BODY_MARK }), 'parse-error', /envelope/],
    ['status error with errorType', JSON.stringify({ status: 'error', errorType: 'bad_data', error: `parse error ${BODY_MARK}` }), 'query-error', /status error \(bad_data\)/],
    ['status error with a hostile errorType', JSON.stringify({ status: 'error', errorType: `${BODY_MARK} <script>`, error: 'x' }), 'query-error', /\(unknown\)/],
    ['a matrix', JSON.stringify({ status: 'success', data: { resultType: 'matrix', result: [] } }), 'query-error', /matrix result, not an instant vector/],
    ['an unknown resultType', JSON.stringify({ status: 'success', data: { resultType: BODY_MARK, result: [] } }), 'query-error', /unknown result/],
    ['no data', JSON.stringify({ status: 'success' }), 'parse-error', /no data.resultType/],
    ['result not an array', JSON.stringify({ status: 'success', data: { resultType: 'vector', result: { a: BODY_MARK } } }), 'parse-error', /not an array/],
    ['an item not an object', vector([BODY_MARK]), 'parse-error', /series 1: not an object/],
    ['metric not an object', vector([{ metric: BODY_MARK, value: [1, '1'] }]), 'parse-error', /metric is not an object/],
    ['non-numeric value', vector([item({ __name__: 'x' }, [1, BODY_MARK])]), 'parse-error', /value is not a number/],
    ['a value that is a JS-only number form', vector([item({ __name__: 'x' }, [1, '0x10'])]), 'parse-error', /value is not a number/],
    ['Infinity spelled the JS way', vector([item({ __name__: 'x' }, [1, 'Infinity'])]), 'parse-error', /value is not a number/],
    ['value not a pair', vector([item({ __name__: 'x' }, ['1'])]), 'parse-error', /\[time, "number"\] pair/],
    ['a label value that is not a string', vector([item({ __name__: 'x', pod: { nested: BODY_MARK } })]), 'parse-error', /label value is not a string/],
    ['null', 'null', 'parse-error', /envelope/],
  ];
  it.each(cases)('%s', (_name, body, reason, detail) => {
    const r = parsePromqlResponse(body, 10);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.reason).toBe(reason);
    expect(r.detail).toMatch(detail);
    expect(JSON.stringify(r)).not.toContain(BODY_MARK);
  });

  it('more series than allowed is too-large, checked before any series is read', () => {
    const huge = vector(Array.from({ length: 50_001 }, () => 0));
    const r = parsePromqlResponse(huge, 50_000);
    expect(r).toMatchObject({ ok: false, reason: 'too-large' });
  });

  it('a large valid vector parses in bounded time', () => {
    const big = vector(Array.from({ length: 100_000 }, (_, i) => item({ __name__: 'container_memory_rss', pod: `p-${i}`, namespace: 'codex-pooler', container: 'app' })));
    const started = performance.now();
    const r = parsePromqlResponse(big, 200_000);
    expect(r.ok && r.samples.length).toBe(100_000);
    expect(performance.now() - started).toBeLessThan(3_000);
  });

  it('never throws on arbitrary JSON', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parsePromqlResponse(JSON.stringify(v), 100);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.array(fc.jsonValue(), { maxLength: 5 }), (result) => {
        const r = parsePromqlResponse(vector(result), 100);
        expect(typeof r.ok).toBe('boolean');
      }),
      { numRuns: 500 },
    );
  });
});

describe('samplesToFamilies', () => {
  it('one untyped family per name in first-seen order, duplicate series kept once', () => {
    const fams = samplesToFamilies([
      { name: 'b', labels: { pod: 'x', a: '1' }, value: 1 },
      { name: 'a', labels: { pod: 'x' }, value: 2 },
      { name: 'b', labels: { a: '1', pod: 'x' }, value: 1 },
      { name: 'b', labels: { pod: 'y' }, value: 3 },
    ]);
    expect(fams.map((f) => [f.name, f.type, f.samples.length])).toEqual([
      ['b', 'untyped', 2],
      ['a', 'untyped', 1],
    ]);
  });
});
