import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lookupJsonPath, parseJsonPath } from '../../../functions/core/probes/json-path.ts';
import { regexProblem } from '../../../functions/core/probes/safe-regex.ts';

describe('parseJsonPath', () => {
  it.each([
    ['$.status', ['status']],
    ['status', ['status']],
    ['$.checks[0].ok', ['checks', 0, 'ok']],
    ['$["key.with.dots"][\'x\']', ['key.with.dots', 'x']],
    ['a.b-c.$d._e', ['a', 'b-c', '$d', '_e']],
    ['$[2]', [2]],
    ['["a\\"b"]', ['a"b']],
  ])('%s', (path, segments) => {
    expect(parseJsonPath(path)).toEqual({ ok: true, segments });
  });

  it.each(['', '$', '$..a', 'a.', 'a[', 'a[-1]', 'a[x]', 'a b', '$.1a', 'a.*', 'x'.repeat(257)])('refuses %j', (path) => {
    expect(parseJsonPath(path).ok).toBe(false);
  });
});

describe('lookupJsonPath', () => {
  const doc = { a: { b: [10, { c: null }] }, 'x.y': false };
  it.each([
    ['$.a.b[0]', { found: true, value: 10 }],
    ['$.a.b[1].c', { found: true, value: null }],
    ['$["x.y"]', { found: true, value: false }],
    ['$.a.b[2]', { found: false }],
    ['$.a.missing', { found: false }],
    ['$.a[0]', { found: false }],
    ['$.a.b.length', { found: false }],
    ['$.__proto__', { found: false }],
    ['$.constructor', { found: false }],
  ])('%s', (path, expected) => {
    const p = parseJsonPath(path);
    expect(p.ok && lookupJsonPath(doc, p.segments)).toEqual(expected);
  });

  it('finds every value of a generated document by its bracket path', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 8 }), fc.nat({ max: 3 })), { minLength: 1, maxLength: 6 }), fc.jsonValue(), (segments, leaf) => {
        let doc: unknown = leaf;
        for (const seg of [...segments].reverse()) {
          if (typeof seg === 'number') {
            const arr: unknown[] = new Array(seg + 1).fill(0);
            arr[seg] = doc;
            doc = arr;
          } else doc = { [seg]: doc };
        }
        const path = '$' + segments.map((s) => (typeof s === 'number' ? `[${s}]` : `[${JSON.stringify(s)}]`)).join('');
        const parsed = parseJsonPath(path);
        if (!parsed.ok) return path.length > 256;
        const hit = lookupJsonPath(doc, parsed.segments);
        return hit.found && Object.is(JSON.stringify(hit.value), JSON.stringify(leaf));
      }),
      { numRuns: 300 },
    );
  });
});

describe('regexProblem', () => {
  it.each(['^ok$', '"status":\\s*"up"', '(foo|bar)+', '[a+]+', '\\(a+\\)+', '(\\d{3})+', '(a){2,}'])('accepts %s', (p) => {
    expect(regexProblem(p)).toBeUndefined();
  });
  it.each(['(a+)+', '(\\w*)*', '((ab)*c)+', '(x+){2,}', '(?:a|b+)*'])('refuses the nested quantifiers of %s', (p) => {
    expect(regexProblem(p)).toMatch(/nested quantifiers/);
  });
  it('refuses what does not compile', () => {
    expect(regexProblem('(')).toMatch(/does not compile/);
  });
});
