import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSelector, selectorMatches, SelectorError } from '../../functions/simulator/index.ts';

const matches = (selector: string, name: string, labels: Record<string, string> = {}): boolean =>
  selectorMatches(parseSelector(selector), name, labels);

describe('parseSelector', () => {
  it('reads a bare metric name as __name__=', () => {
    expect(parseSelector('vm_memory_total_bytes')).toEqual([{ name: '__name__', op: '=', value: 'vm_memory_total_bytes' }]);
  });

  it('reads all four operators, spaces, trailing commas and the three quote styles', () => {
    const m = parseSelector(` up { a = "x" , b!='y', c=~\`z.*\`, d!~"w",} `);
    expect(m.map((x) => [x.name, x.op, x.value])).toEqual([
      ['__name__', '=', 'up'],
      ['a', '=', 'x'],
      ['b', '!=', 'y'],
      ['c', '=~', 'z.*'],
      ['d', '!~', 'w'],
    ]);
  });

  it('unescapes quoted values', () => {
    expect(parseSelector('{a="q\\"b\\\\c\\nd"}')[0]!.value).toBe('q"b\\c\nd');
    expect(parseSelector('{a=`raw\\n`}')[0]!.value).toBe('raw\\n');
  });

  it.each([
    '',
    '   ',
    '{}',
    'up{',
    'up}',
    '{a="x"',
    '{a}',
    '{a=}',
    '{a==“x”}',
    '{a="x" b="y"}',
    '{1a="x"}',
    '{a="unterminated}',
    '{a="bad \\q escape"}',
    'up{__name__="other"}',
    '{a=~"("}',
    '{a=~".*"}',
    '{a!="x"}',
    'up extra',
    'x'.repeat(5_000),
  ])('rejects %j', (selector) => {
    expect(() => parseSelector(selector)).toThrow(SelectorError);
  });
});

describe('selectorMatches', () => {
  it('anchors regexes at both ends, like PromQL', () => {
    expect(matches('{__name__=~"vm_.*"}', 'vm_memory_total_bytes')).toBe(true);
    expect(matches('{__name__=~"memory"}', 'vm_memory_total_bytes')).toBe(false);
    expect(matches('{__name__=~"vm|memory"}', 'vm')).toBe(true);
    expect(matches('{__name__=~"vm|memory"}', 'vm_memory')).toBe(false);
    expect(matches('up{pod!~"a.*"}', 'up', { pod: 'xa' })).toBe(true);
    expect(matches('up{pod!~"a.*"}', 'up', { pod: 'ab' })).toBe(false);
  });

  it('treats a missing label as the empty string', () => {
    expect(matches('up{job=""}', 'up')).toBe(true);
    expect(matches('up{job!="x"}', 'up')).toBe(true);
    expect(matches('up{job="x"}', 'up')).toBe(false);
    expect(matches('up{constructor=""}', 'up')).toBe(true);
  });

  it('requires every matcher of a selector', () => {
    expect(matches('up{a="1",b="2"}', 'up', { a: '1', b: '2' })).toBe(true);
    expect(matches('up{a="1",b="2"}', 'up', { a: '1', b: '3' })).toBe(false);
    expect(matches('up{a="1"}', 'down', { a: '1' })).toBe(false);
  });

  it('matches exactly the value that was quoted, whatever it contains', () => {
    const quote = (v: string): string => `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), fc.string({ maxLength: 5 }), (value, suffix) => {
        const selector = `{label=${quote(value)}}`;
        expect(matches(selector, 'm', { label: value })).toBe(true);
        expect(matches(selector, 'm', { label: value + suffix })).toBe(suffix === '');
      }),
      { numRuns: 300 },
    );
  });
});
