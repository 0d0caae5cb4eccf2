import { describe, expect, it } from 'vitest';
import { DEFAULT_INHIBIT_RULES, receiverNames, RoutingConfig } from '../../../functions/core/routing/index.ts';
import { H, M, S } from './helpers.ts';

describe('RoutingConfig schema', () => {
  it('fills defaults: timings, groupBy, no inhibit rules, no silences', () => {
    const r = RoutingConfig.parse({ route: { receiver: 'slack' } });
    expect(r).toEqual({
      route: { receiver: 'slack', groupBy: ['pod'], groupWait: 30 * S, groupInterval: 5 * M, repeatInterval: 4 * H, routes: [] },
      inhibitRules: [],
      silences: [],
    });
  });

  it('leaves unset child fields unset so they inherit, and parses durations and matchers', () => {
    const r = RoutingConfig.parse({ route: { receiver: 'a', routes: [{ matchers: ['severity="critical"'], groupWait: '10s' }] } });
    const child = r.route.routes[0]!;
    expect(child.receiver).toBeUndefined();
    expect(child.groupBy).toBeUndefined();
    expect(child.groupWait).toBe(10 * S);
    expect(child.continue).toBe(false);
    expect(child.matchers).toMatchObject([{ name: 'severity', type: '=', value: 'critical' }]);
  });

  it('reports an invalid matcher with its path and position', () => {
    const r = RoutingConfig.safeParse({ route: { receiver: 'a', routes: [{ routes: [{ matchers: ['pod="x"', 'sev=~"("'] }] }] } });
    expect(r.success).toBe(false);
    const issue = r.error!.issues[0]!;
    expect(issue.path).toEqual(['route', 'routes', 0, 'routes', 0, 'matchers', 1]);
    expect(issue.message).toContain('"sev=~\\"(\\""');
    expect(issue.message).toContain('position 6');
  });

  it.each([
    ['unknown key', { route: { receiver: 'a', group_by: ['x'] } }],
    ['root matchers (the root matches everything)', { route: { receiver: 'a', matchers: ['a="b"'] } }],
    ['root without receiver', { route: {} }],
    ['"..." mixed with labels', { route: { receiver: 'a', groupBy: ['...', 'pod'] } }],
    ['bad label in groupBy', { route: { receiver: 'a', groupBy: ['po-d'] } }],
    ['zero groupInterval', { route: { receiver: 'a', groupInterval: 0 } }],
    ['bad duration', { route: { receiver: 'a', routes: [{ repeatInterval: '4 hours' }] } }],
    ['inhibit rule without source matchers', { route: { receiver: 'a' }, inhibitRules: [{ sourceMatchers: [], targetMatchers: ['a="b"'] }] }],
    ['silence matching everything', { route: { receiver: 'a' }, silences: [{ matchers: ['pod=~".*"'], endsAt: '2026-01-01T00:00:00Z', comment: 'x' }] }],
    ['silence ending before it starts', { route: { receiver: 'a' }, silences: [{ matchers: ['pod="a"'], startsAt: '2026-01-02T00:00:00Z', endsAt: '2026-01-01T00:00:00Z', comment: 'x' }] }],
    ['silence without comment', { route: { receiver: 'a' }, silences: [{ matchers: ['pod="a"'], endsAt: '2026-01-01T00:00:00Z' }] }],
  ])('rejects %s', (_name, input) => {
    expect(RoutingConfig.safeParse(input).success).toBe(false);
  });

  it('inhibitRules: default opts into the shipped rules', () => {
    const r = RoutingConfig.parse({ route: { receiver: 'a' }, inhibitRules: 'default' });
    expect(r.inhibitRules).toHaveLength(DEFAULT_INHIBIT_RULES.length);
    expect(r.inhibitRules[0]!.equal).toEqual(['pod']);
  });

  it('receiverNames lists every receiver and fallback once, sorted', () => {
    const r = RoutingConfig.parse({
      route: {
        receiver: 'slack',
        fallback: 'email',
        routes: [{ receiver: 'pagerduty', fallback: 'opsgenie', routes: [{ receiver: 'slack' }] }, { matchers: ['a="b"'] }],
      },
    });
    expect(receiverNames(r)).toEqual(['email', 'opsgenie', 'pagerduty', 'slack']);
  });
});
