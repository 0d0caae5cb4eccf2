import { describe, expect, it } from 'vitest';
import { findInhibitor, isInhibited, RoutingConfig } from '../../../functions/core/routing/index.ts';
import { alert } from './helpers.ts';

const rules = RoutingConfig.parse({ route: { receiver: 'a' }, inhibitRules: 'default' }).inhibitRules;
const labels = (fp: string, opts: Parameters<typeof alert>[1] = {}) => alert(fp, opts).labels;

describe('isInhibited with the default rules', () => {
  const warn = labels('binary-growth', { severity: 'warning', pod: 'app-0' });

  it('oom-killed mutes warning/info alerts of the same pod only', () => {
    const killed = labels('oom-killed', { severity: 'critical', pod: 'app-0' });
    expect(isInhibited(warn, [killed], rules)).toBe(true);
    expect(isInhibited(labels('x', { severity: 'info' }), [killed], rules)).toBe(true);
    expect(isInhibited(labels('binary-growth', { pod: 'app-1' }), [killed], rules)).toBe(false);
    expect(isInhibited(labels('time-to-oom', { severity: 'critical' }), [killed], rules)).toBe(false);
  });

  it('critical memory-pressure/time-to-oom mute, warning ones do not', () => {
    expect(isInhibited(warn, [labels('time-to-oom', { severity: 'critical' })], rules)).toBe(true);
    expect(isInhibited(warn, [labels('memory-pressure', { severity: 'critical' })], rules)).toBe(true);
    expect(isInhibited(warn, [labels('memory-pressure', { severity: 'warning' })], rules)).toBe(false);
  });

  it('sources must be firing', () => {
    expect(isInhibited(warn, [labels('oom-killed', { action: 'resolve' })], rules)).toBe(false);
  });

  it('an alert does not inhibit itself', () => {
    const killedWarn = labels('oom-killed', { severity: 'warning' });
    expect(isInhibited(killedWarn, [killedWarn], rules)).toBe(false);
    expect(isInhibited(killedWarn, [killedWarn, labels('oom-killed', { severity: 'critical' })], rules)).toBe(true);
  });

  it('equal: a label missing on both sides counts as equal, on one side does not', () => {
    const [rule] = RoutingConfig.parse({
      route: { receiver: 'a' },
      inhibitRules: [{ sourceMatchers: ['rule="a"'], targetMatchers: ['rule="b"'], equal: ['cluster'] }],
    }).inhibitRules;
    expect(isInhibited({ rule: 'b' }, [{ rule: 'a' }], [rule!])).toBe(true);
    expect(isInhibited({ rule: 'b' }, [{ rule: 'a', cluster: 'eu' }], [rule!])).toBe(false);
    expect(isInhibited({ rule: 'b', cluster: 'eu' }, [{ rule: 'a', cluster: 'eu' }], [rule!])).toBe(true);
  });

  it('findInhibitor says which rule and which source', () => {
    const sources = [labels('noise', { severity: 'info', pod: 'app-0' }), labels('time-to-oom', { severity: 'critical' })];
    expect(findInhibitor(warn, sources, rules)).toEqual({ rule: 1, source: 1 });
    expect(findInhibitor(warn, [], rules)).toBeUndefined();
  });
});
