import { describe, expect, it } from 'vitest';
import { fingerprint, markNotified, step, toAlertEvent } from '../../../functions/core/alerts/index.ts';
import type { AlertState } from '../../../functions/core/alerts/index.ts';
import { finding, policy } from './helpers.ts';

const fire = { ...policy, forEvaluations: 1 };
const fp = fingerprint('memory-pressure', 'pool-0', 'pool-0');

describe('step', () => {
  it('triggers with an event in the documented format and key order', () => {
    const { states, transitions } = step({}, [finding()], fire, Date.UTC(2026, 10, 24, 10));
    expect(transitions).toHaveLength(1);
    expect(transitions[0]!.action).toBe('trigger');
    expect(JSON.stringify(transitions[0]!.event)).toBe(
      `{"ts":"2026-11-24T10:00:00.000Z","status":"firing","severity":"warning","rule":"memory-pressure","pod":"pool-0","target":"pool-0","fingerprint":"${fp}","summary":"working set at 91% of the limit"}`,
    );
    expect(states[fp]!.status).toBe('firing');
  });

  it('keeps the most severe of findings that share a fingerprint', () => {
    const { states } = step({}, [finding(), finding({ severity: 'critical', summary: 'worse' }), finding({ severity: 'info' })], fire, 0);
    expect(Object.keys(states)).toEqual([fp]);
    expect(states[fp]!.severity).toBe('critical');
    expect(states[fp]!.summary).toBe('worse');
  });

  it('an alert without a finding resolves after the hysteresis, with a resolved event', () => {
    let states = step({}, [finding()], fire, 0).states;
    const actions: string[] = [];
    for (const now of [10, 20, 30]) {
      const r = step(states, [], fire, now);
      states = r.states;
      actions.push(...r.transitions.map((t) => `${t.action}:${t.event.status}`));
    }
    expect(actions).toEqual(['resolve:resolved']);
    expect(states[fp]!.status).toBe('resolved');
  });

  it('does not resolve alerts of pods that were not evaluated (their target failed to scrape)', () => {
    let states = step({}, [finding()], fire, 0).states;
    for (const now of [10, 20, 30, 40]) states = step(states, [], fire, now, { evaluatedPods: new Set(['other-pod']) }).states;
    expect(states[fp]!.status).toBe('firing');
    expect(states[fp]!.inactiveCount).toBe(0);
  });

  it('a target name in evaluatedPods counts for the states of that target', () => {
    const f = finding({ rule: 'scrape-failed', pod: 'prom', target: 'prom', severity: 'critical' });
    const podAlert = finding({ pod: 'pool-7', target: 'prom' });
    let states = step({}, [f, podAlert], fire, 0).states;
    const resolved: string[] = [];
    for (const now of [10, 20, 30]) {
      const r = step(states, [], fire, now, { evaluatedPods: new Set(['prom']) });
      states = r.states;
      resolved.push(...r.transitions.map((t) => `${t.state.rule}/${t.state.pod}`));
    }
    expect(resolved.sort()).toEqual(['memory-pressure/pool-7', 'scrape-failed/prom']);
  });

  it('emits a remind transition carrying the firing event, without changing status', () => {
    let states = step({}, [finding()], fire, 0).states;
    states = { [fp]: markNotified(states[fp]!, 0) };
    const r = step(states, [finding()], fire, 1_000);
    expect(r.transitions.map((t) => [t.action, t.event.status, t.state.status])).toEqual([['remind', 'firing', 'firing']]);
  });

  it('prunes inactive and resolved states after retainFor, keeps firing ones', () => {
    let states = step({}, [finding(), finding({ pod: 'pool-1', target: 'pool-1' })], fire, 0).states;
    for (const now of [10, 20, 30]) states = step(states, [finding({ pod: 'pool-1', target: 'pool-1' })], fire, now).states;
    expect(states[fp]!.status).toBe('resolved');
    expect(step(states, [finding({ pod: 'pool-1', target: 'pool-1' })], fire, 30 + 99, { retainFor: 100 }).states[fp]).toBeDefined();
    const later = step(states, [finding({ pod: 'pool-1', target: 'pool-1' })], fire, 30 + 100, { retainFor: 100 }).states;
    expect(later[fp]).toBeUndefined();
    expect(Object.values(later).map((s) => s.status)).toEqual(['firing']);
  });

  it('prunes a pending alert that went inactive once it is old enough', () => {
    let states = step({}, [finding()], policy, 0).states;
    states = step(states, [], policy, 10).states;
    expect(states[fp]!.status).toBe('inactive');
    expect(step(states, [], policy, 10 + 3_600_000).states).toEqual({});
  });

  it('does not mutate its input', () => {
    const states: Record<string, AlertState> = step({}, [finding()], policy, 0).states;
    const before = structuredClone(states);
    step(states, [finding({ severity: 'critical' })], policy, 10);
    step(states, [], policy, 10);
    expect(states).toEqual(before);
  });
});

describe('toAlertEvent', () => {
  it('uses the evaluation time and the latest summary', () => {
    const s = step({}, [finding({ summary: 's1' })], fire, 0).states[fp]!;
    expect(toAlertEvent(s, 'resolved', 86_400_000)).toEqual({
      ts: '1970-01-02T00:00:00.000Z',
      status: 'resolved',
      severity: 'warning',
      rule: 'memory-pressure',
      pod: 'pool-0',
      target: 'pool-0',
      fingerprint: fp,
      summary: 's1',
    });
  });
});
