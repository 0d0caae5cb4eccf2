import { describe, expect, it } from 'vitest';
import { emptyGrouperState, markGroupSent, planNotifications } from '../../../functions/core/routing/index.ts';
import type { GroupBatch, GrouperState, RoutableAlert, RoutingConfig } from '../../../functions/core/routing/index.ts';
import { alert, H, M, routing, S } from './helpers.ts';

const basic = routing({ route: { receiver: 'slack', fallback: 'email' } });

/** A caller that plans each round and, unless told otherwise, confirms every due batch at once. */
function driver(config: RoutingConfig = basic) {
  let state: GrouperState = emptyGrouperState();
  return {
    round(now: number, alerts: RoutableAlert[] = [], confirm = true) {
      const r = planNotifications(state, alerts, config, now);
      state = r.state;
      if (confirm) for (const b of r.due) state = markGroupSent(state, b.groupKey, b.receiver, now);
      return r;
    },
    get state() {
      return state;
    },
    set state(s: GrouperState) {
      state = s;
    },
  };
}
const summary = (b: GroupBatch) => ({ kind: b.kind, alerts: b.alerts.map((a) => `${a.fingerprint}:${a.action}`) });

describe('planNotifications: timing', () => {
  it('groupWait: two alerts 10 s apart leave in one batch', () => {
    const d = driver();
    expect(d.round(0, [alert('a')]).due).toEqual([]);
    expect(d.round(10 * S, [alert('b')]).due).toEqual([]);
    expect(d.round(29 * S).due).toEqual([]);
    const { due } = d.round(30 * S);
    expect(due).toHaveLength(1);
    expect(due[0]).toMatchObject({ receiver: 'slack', fallback: 'email', routePath: '0', groupKey: '0:{pod="app-0"}' });
    expect(summary(due[0]!)).toEqual({ kind: 'trigger', alerts: ['a:trigger', 'b:trigger'] });
    expect(d.round(31 * S).due).toEqual([]);
  });

  it('groupInterval: later changes wait for it after the last send, and carry the whole group', () => {
    const d = driver();
    d.round(0, [alert('a')]);
    d.round(30 * S);
    expect(d.round(60 * S, [alert('b')]).due).toEqual([]);
    expect(d.round(5 * M + 29 * S).due).toEqual([]);
    const { due } = d.round(5 * M + 30 * S);
    expect(due.map(summary)).toEqual([{ kind: 'trigger', alerts: ['a:remind', 'b:trigger'] }]);
  });

  it('a change after a quiet period goes out at once (the interval already passed)', () => {
    const d = driver();
    d.round(0, [alert('a')]);
    d.round(30 * S);
    expect(d.round(H, [alert('b')]).due.map(summary)).toEqual([{ kind: 'trigger', alerts: ['a:remind', 'b:trigger'] }]);
  });

  it('repeatInterval: a remind is held until it passed, then carries every firing alert', () => {
    const d = driver();
    d.round(0, [alert('a'), alert('b')]);
    d.round(30 * S);
    expect(d.round(H, [alert('a', { action: 'remind' })]).due).toEqual([]);
    expect(d.round(4 * H).due).toEqual([]);
    expect(d.round(4 * H + 30 * S).due.map(summary)).toEqual([{ kind: 'remind', alerts: ['a:remind', 'b:remind'] }]);
    // Sent: no more reminders until one is asked for again.
    expect(d.round(9 * H).due).toEqual([]);
    expect(d.round(9 * H, [alert('b', { action: 'remind' })]).due.map(summary)).toEqual([{ kind: 'remind', alerts: ['a:remind', 'b:remind'] }]);
  });

  it('an escalation is a change: sent after groupInterval with action trigger', () => {
    const d = driver();
    d.round(0, [alert('a')]);
    d.round(30 * S);
    expect(d.round(M, [alert('a', { severity: 'critical' })]).due).toEqual([]);
    const { due } = d.round(5 * M + 30 * S);
    expect(summary(due[0]!)).toEqual({ kind: 'trigger', alerts: ['a:trigger'] });
    expect(due[0]!.alerts[0]!.severity).toBe('critical');
  });
});

describe('planNotifications: resolves', () => {
  it('batches resolves; a partly resolved group is a remind, a fully resolved one a resolve; state empties', () => {
    const d = driver();
    d.round(0, [alert('a'), alert('b')]);
    d.round(30 * S);
    expect(d.round(M, [alert('a', { action: 'resolve' })]).due).toEqual([]);
    expect(d.round(5 * M + 30 * S).due.map(summary)).toEqual([{ kind: 'remind', alerts: ['a:resolve', 'b:remind'] }]);
    expect(d.state.groups[0]!.alerts.map((e) => e.alert.fingerprint)).toEqual(['b']);
    d.round(6 * M, [alert('b', { action: 'resolve' })]);
    const { due } = d.round(10 * M + 30 * S);
    expect(due.map(summary)).toEqual([{ kind: 'resolve', alerts: ['b:resolve'] }]);
    expect(due[0]!.alerts[0]).toMatchObject({ status: 'resolved', labels: { status: 'resolved' } });
    expect(d.state.groups).toEqual([]);
  });

  it('an alert resolved before anyone heard of it is dropped silently', () => {
    const d = driver();
    d.round(0, [alert('a')]);
    d.round(10 * S, [alert('a', { action: 'resolve' })]);
    expect(d.round(M).due).toEqual([]);
    expect(d.state.groups).toEqual([]);
  });

  it('a resolve for an alert unknown here (state lost) is still sent, so downstream incidents close', () => {
    const d = driver();
    d.round(0, [alert('a', { action: 'resolve' })]);
    expect(d.round(30 * S).due.map(summary)).toEqual([{ kind: 'resolve', alerts: ['a:resolve'] }]);
    expect(d.state.groups).toEqual([]);
  });
});

describe('markGroupSent', () => {
  it('until confirmed, the batch stays due at every call and absorbs new changes', () => {
    const d = driver();
    d.round(0, [alert('a')], false);
    const first = d.round(30 * S, [], false).due;
    expect(first.map(summary)).toEqual([{ kind: 'trigger', alerts: ['a:trigger'] }]);
    const again = d.round(60 * S, [alert('b')], false).due;
    expect(again.map(summary)).toEqual([{ kind: 'trigger', alerts: ['a:trigger', 'b:trigger'] }]);
    d.state = markGroupSent(d.state, again[0]!.groupKey, 'email', 61 * S); // delivered through the fallback
    expect(d.round(62 * S).due).toEqual([]);
    expect(d.state.groups[0]).toMatchObject({ lastSentAt: 61 * S });
  });

  it('ignores an unknown group, a foreign receiver, and a second confirmation', () => {
    const d = driver();
    d.round(0, [alert('a')]);
    const { due } = d.round(30 * S, [], false);
    const key = due[0]!.groupKey;
    expect(markGroupSent(d.state, 'nope', 'slack', 31 * S)).toBe(d.state);
    expect(markGroupSent(d.state, key, 'pagerduty', 31 * S)).toBe(d.state);
    const once = markGroupSent(d.state, key, 'slack', 31 * S);
    expect(markGroupSent(once, key, 'slack', 32 * S)).toBe(once);
  });

  it('does not mutate the state it is given', () => {
    const d = driver();
    d.round(0, [alert('a')]);
    d.round(30 * S, [], false);
    const before = structuredClone(d.state);
    planNotifications(d.state, [alert('b'), alert('a', { action: 'resolve' })], basic, M);
    markGroupSent(d.state, d.state.groups[0]!.groupKey, 'slack', M);
    expect(d.state).toEqual(before);
  });
});

describe('planNotifications: muting and routes', () => {
  const window = { startsAt: '1970-01-01T00:00:00Z', endsAt: '1970-01-01T00:10:00Z' };

  it('silenced alerts are left out and reported; after expiry they are announced as triggers', () => {
    const d = driver(routing({ route: { receiver: 'slack' }, silences: [{ id: 's1', matchers: ['rule="a"'], comment: 'deploy', ...window }] }));
    const r = d.round(0, [alert('a'), alert('b')]);
    expect(r.muted).toEqual([{ fingerprint: 'a', reason: 'silenced', by: 's1' }]);
    expect(d.round(30 * S).due.map(summary)).toEqual([{ kind: 'trigger', alerts: ['b:trigger'] }]);
    expect(d.round(10 * M).due.map(summary)).toEqual([{ kind: 'trigger', alerts: ['a:trigger', 'b:remind'] }]);
  });

  it('a silence does not hold back the resolve of an alert the receiver was told about', () => {
    const d = driver(routing({ route: { receiver: 'slack' }, silences: [{ matchers: ['rule="a"'], comment: 'late', startsAt: '1970-01-01T00:01:00Z', endsAt: '1970-01-01T01:00:00Z' }] }));
    d.round(0, [alert('a')]);
    d.round(30 * S);
    d.round(2 * M, [alert('a', { action: 'resolve' })]);
    expect(d.round(5 * M + 30 * S).due.map(summary)).toEqual([{ kind: 'resolve', alerts: ['a:resolve'] }]);
  });

  it('inhibition: oom-killed mutes the warnings of its pod, muted alerts included as sources', () => {
    const d = driver(routing({ route: { receiver: 'slack', groupBy: ['rule', 'pod'] }, inhibitRules: 'default' }));
    const killed = alert('oom-killed', { severity: 'critical' });
    const r = d.round(0, [alert('binary-growth'), killed, alert('run-queue', { pod: 'app-1' })]);
    expect(r.muted).toEqual([{ fingerprint: 'binary-growth', reason: 'inhibited', by: 'oom-killed' }]);
    expect(d.round(30 * S).due.map((b) => b.alerts[0]!.fingerprint)).toEqual(['oom-killed', 'run-queue']);
    // Once the source resolves the warning is no longer muted: its group waited long enough, it goes at once;
    // the source's resolve waits for its group's interval.
    expect(d.round(M, [alert('oom-killed', { action: 'resolve' })]).due.map(summary)).toEqual([{ kind: 'trigger', alerts: ['binary-growth:trigger'] }]);
    expect(d.round(6 * M).due.map(summary)).toEqual([{ kind: 'resolve', alerts: ['oom-killed:resolve'] }]);
  });

  it('continue: one batch per matched route, each with its own key and timings', () => {
    const d = driver(
      routing({
        route: {
          receiver: 'slack',
          routes: [
            { matchers: ['severity="critical"'], receiver: 'pagerduty', groupWait: '0s', continue: true },
            { matchers: ['severity=~"critical|warning"'], receiver: 'slack-oncall' },
          ],
        },
      }),
    );
    expect(d.round(0, [alert('t', { severity: 'critical' })]).due.map((b) => [b.receiver, b.groupKey])).toEqual([['pagerduty', '0.0:{pod="app-0"}']]);
    expect(d.round(30 * S).due.map((b) => [b.receiver, b.groupKey])).toEqual([['slack-oncall', '0.1:{pod="app-0"}']]);
  });

  it('an alert whose group labels change moves; the old group hides it and still gets its resolve', () => {
    const d = driver(routing({ route: { receiver: 'slack', groupBy: ['...'] } }));
    d.round(0, [alert('a')]);
    const [warn] = d.round(30 * S).due;
    d.round(M, [alert('a', { severity: 'critical' })]);
    const critKey = warn!.groupKey.replace('warning', 'critical');
    expect(d.round(90 * S).due.map((b) => [b.groupKey, summary(b)])).toEqual([[critKey, { kind: 'trigger', alerts: ['a:trigger'] }]]);
    expect(d.state.groups).toHaveLength(2);
    // Hidden in the old group: no reminders, no changes there.
    expect(d.round(5 * H, [alert('a', { action: 'remind', severity: 'critical' })]).due.map((b) => b.groupKey)).toEqual([critKey]);
    const { due } = d.round(6 * H, [alert('a', { action: 'resolve', severity: 'critical' })]);
    expect(due.map((b) => [b.groupKey, b.kind])).toEqual([
      [critKey, 'resolve'],
      [warn!.groupKey, 'resolve'],
    ]);
    expect(d.state.groups).toEqual([]);
  });
});
