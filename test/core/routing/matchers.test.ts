import { describe, expect, it } from 'vitest';
import { formatMatcher, MatcherParseError, matches, matchesAll, parseMatchers, parseMatcherText } from '../../../functions/core/routing/index.ts';

const plain = (text: string) => parseMatcherText(text).map(({ name, type, value }) => ({ name, type, value }));

describe('parseMatcherText: valid', () => {
  it.each([
    ['severity="critical"', [{ name: 'severity', type: '=', value: 'critical' }]],
    ['severity!="info"', [{ name: 'severity', type: '!=', value: 'info' }]],
    ['rule=~"time-to-oom|memory-pressure"', [{ name: 'rule', type: '=~', value: 'time-to-oom|memory-pressure' }]],
    ['pod!~"app-[0-9]+"', [{ name: 'pod', type: '!~', value: 'app-[0-9]+' }]],
    ['severity=critical', [{ name: 'severity', type: '=', value: 'critical' }]],
    ['  severity = critical  ', [{ name: 'severity', type: '=', value: 'critical' }]],
    ['rule=~time-to-oom|oom-killed', [{ name: 'rule', type: '=~', value: 'time-to-oom|oom-killed' }]],
    ['team=', [{ name: 'team', type: '=', value: '' }]],
    ['team=""', [{ name: 'team', type: '=', value: '' }]],
    ['msg="say \\"hi\\"\\\\"', [{ name: 'msg', type: '=', value: 'say "hi"\\' }]],
    ['pod=~"app-\\d+"', [{ name: 'pod', type: '=~', value: 'app-\\d+' }]],
    ['msg="a,b}"', [{ name: 'msg', type: '=', value: 'a,b}' }]],
    ['{a="b", c=~"d"}', [{ name: 'a', type: '=', value: 'b' }, { name: 'c', type: '=~', value: 'd' }]],
    ['{a="b",c!="d",}', [{ name: 'a', type: '=', value: 'b' }, { name: 'c', type: '!=', value: 'd' }]],
    ['a=b, c=d', [{ name: 'a', type: '=', value: 'b' }, { name: 'c', type: '=', value: 'd' }]],
    ['{}', []],
  ])('%s', (text, expected) => {
    expect(plain(text)).toEqual(expected);
  });
});

describe('parseMatcherText: invalid names the text and position', () => {
  it.each([
    ['', 1, 'expected a label name'],
    ['9pod="x"', 1, 'expected a label name'],
    ['pod', 4, 'expected one of'],
    ['pod~="x"', 4, 'expected one of'],
    ['pod="x', 5, 'unterminated'],
    ['{pod="x"', 9, 'missing closing'],
    ['pod="x" rule="y"', 9, 'expected ","'],
    ['pod=~"("', 6, 'invalid regex'],
    ['pod=a"b', 6, 'unquoted value'],
    [`pod=~"${'a'.repeat(1_001)}"`, 6, 'longer than 1000'],
  ])('%#: %s', (text, position, reason) => {
    let caught: unknown;
    try {
      parseMatcherText(text);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(MatcherParseError);
    const e = caught as MatcherParseError;
    expect(e.position).toBe(position);
    expect(e.text).toBe(text);
    expect(e.message).toContain(JSON.stringify(text));
    expect(e.message).toContain(`position ${position}`);
    expect(e.message).toContain(reason);
  });

  it('accepts a regex of exactly 1000 characters', () => {
    expect(() => parseMatcherText(`pod=~"${'a'.repeat(1_000)}"`)).not.toThrow();
  });
});

describe('matching', () => {
  const labels = { severity: 'warning', pod: 'app-0', rule: 'time-to-oom' };

  it('anchors regexes fully', () => {
    expect(matchesAll(labels, parseMatchers(['severity=~"warn"']))).toBe(false);
    expect(matchesAll(labels, parseMatchers(['severity=~"warn.*"']))).toBe(true);
    expect(matchesAll(labels, parseMatchers(['rule=~"time|time-to-oom"']))).toBe(true);
    // Without the group, `^a|b$` would match "ab…"; anchoring wraps the whole alternation.
    expect(matchesAll({ x: 'ax' }, parseMatchers(['x=~"a|b"']))).toBe(false);
  });

  it('treats a missing label as the empty string', () => {
    expect(matchesAll(labels, parseMatchers(['team=""']))).toBe(true);
    expect(matchesAll(labels, parseMatchers(['team!=""']))).toBe(false);
    expect(matchesAll(labels, parseMatchers(['team=~".*"']))).toBe(true);
    expect(matchesAll(labels, parseMatchers(['team!~".+"']))).toBe(true);
    expect(matchesAll(labels, parseMatchers(['team!="x"']))).toBe(true);
  });

  it('does not read inherited object properties as labels', () => {
    expect(matchesAll({}, parseMatchers(['constructor=""', 'toString=""']))).toBe(true);
  });

  it('requires every matcher; an empty list matches everything', () => {
    expect(matchesAll(labels, parseMatchers(['{severity="warning", pod=~"app-.*"}']))).toBe(true);
    expect(matchesAll(labels, parseMatchers(['severity="warning"', 'pod="app-1"']))).toBe(false);
    expect(matchesAll(labels, [])).toBe(true);
  });

  it('formats matchers so they parse back identically', () => {
    for (const text of ['a="x"', 'b!~"q\\\\d+"', 'c=~"say \\"hi\\"\\n"', 'd!=""']) {
      const [m] = parseMatcherText(text);
      const [again] = parseMatcherText(formatMatcher(m!));
      expect(again).toEqual(m);
      expect(matches({ a: 'x' }, m!)).toBe(matches({ a: 'x' }, again!));
    }
  });
});
