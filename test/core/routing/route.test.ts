import { describe, expect, it } from 'vitest';
import { matchRoutes } from '../../../functions/core/routing/index.ts';
import { H, M, routing, S } from './helpers.ts';

// The routing tree of Alertmanager's dispatch/route_test.go (TestRouteMatch), camelCased.
const tree = routing({
  route: {
    receiver: 'notify-def',
    groupBy: [],
    routes: [
      {
        matchers: ['owner="team-A"'],
        receiver: 'notify-A',
        routes: [
          { matchers: ['env="testing"'], receiver: 'notify-testing', groupBy: ['...'] },
          { matchers: ['env="production"'], receiver: 'notify-productionA', groupWait: '1m', continue: true },
          {
            matchers: ['env=~"produ.*"', 'job=~".*"'],
            receiver: 'notify-productionB',
            groupWait: '30s',
            groupInterval: '5m',
            repeatInterval: '1h',
            groupBy: ['job'],
          },
        ],
      },
      { matchers: ['owner="team-X"'], receiver: 'notify-team-X', continue: true },
      {
        matchers: ['owner="team-Y"'],
        receiver: 'notify-team-Y',
        fallback: 'email',
        routes: [{ matchers: ['env="testing"'], receiver: 'notify-team-Y-testing' }],
      },
      { matchers: ['group_by="role"'], groupBy: ['role'], routes: [{ matchers: ['env="testing"'], receiver: 'notify-testing' }] },
    ],
  },
});

const def = { groupBy: [] as string[], groupWait: 30 * S, groupInterval: 5 * M, repeatInterval: 4 * H };

describe('matchRoutes (Alertmanager route tree)', () => {
  it.each([
    ['no child matches: the root', { owner: 'team-Z' }, [{ ...def, receiver: 'notify-def', path: '0' }]],
    ['first level', { owner: 'team-A' }, [{ ...def, receiver: 'notify-A', path: '0.0' }]],
    ['deepest match wins, groupBy "..."', { owner: 'team-A', env: 'testing' }, [{ ...def, groupBy: ['...'], receiver: 'notify-testing', path: '0.0.0' }]],
    [
      'continue lets the next sibling match too',
      { owner: 'team-A', env: 'production' },
      [
        { ...def, receiver: 'notify-productionA', groupWait: M, path: '0.0.1' },
        { receiver: 'notify-productionB', groupBy: ['job'], groupWait: 30 * S, groupInterval: 5 * M, repeatInterval: H, path: '0.0.2' },
      ],
    ],
    ['regex sibling alone', { owner: 'team-A', env: 'production-eu' }, [{ receiver: 'notify-productionB', groupBy: ['job'], groupWait: 30 * S, groupInterval: 5 * M, repeatInterval: H, path: '0.0.2' }]],
    ['continue on a first-level route with no later match', { owner: 'team-X' }, [{ ...def, receiver: 'notify-team-X', path: '0.1' }]],
    ['fallback inherited by a child', { owner: 'team-Y', env: 'testing' }, [{ ...def, receiver: 'notify-team-Y-testing', fallback: 'email', path: '0.2.0' }]],
    ['receiver inherited from the root, groupBy from the parent', { group_by: 'role', env: 'testing' }, [{ ...def, groupBy: ['role'], receiver: 'notify-testing', path: '0.3.0' }]],
    ['a route without receiver inherits it', { group_by: 'role' }, [{ ...def, groupBy: ['role'], receiver: 'notify-def', path: '0.3' }]],
  ])('%s', (_name, labels, expected) => {
    expect(matchRoutes(labels, tree.route)).toEqual(expected);
  });

  it('without continue, the first matching sibling stops the search', () => {
    const r = routing({
      route: { receiver: 'root', routes: [{ matchers: ['severity="critical"'], receiver: 'pd' }, { matchers: ['pod="app-0"'], receiver: 'slack' }] },
    });
    expect(matchRoutes({ severity: 'critical', pod: 'app-0' }, r.route).map((m) => m.receiver)).toEqual(['pd']);
  });

  it('drops a fallback equal to the receiver', () => {
    const r = routing({ route: { receiver: 'pd', fallback: 'pd' } });
    expect(matchRoutes({}, r.route)[0]).not.toHaveProperty('fallback');
  });
});
