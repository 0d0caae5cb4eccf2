import { describe, expect, it } from 'vitest';
import type { AlertPolicy } from '../../../functions/config/schema.ts';
import { markNotified, reduce } from '../../../functions/core/alerts/index.ts';
import type { AlertAction, AlertState, AlertStatus } from '../../../functions/core/alerts/index.ts';
import type { Severity } from '../../../functions/core/types.ts';
import { finding, policy } from './helpers.ts';

/** One evaluation: active with a severity, inactive (`-`), or `notify` to mark the state notified at that time. */
type Obs = Severity | '-' | 'notify';

/** Runs observations at t = 0, 10, 20 … (or the given times) and returns action/status per evaluation. */
function run(seq: Obs[], p: AlertPolicy = policy, times?: number[]) {
  let state: AlertState | undefined;
  const out: Array<{ action: AlertAction; status: AlertStatus }> = [];
  seq.forEach((o, i) => {
    const now = times?.[i] ?? i * 10;
    if (o === 'notify') {
      state = markNotified(state!, now);
      return;
    }
    const r = reduce(state, o === '-' ? { active: false } : { active: true, finding: finding({ severity: o }) }, p, now);
    state = r.state;
    out.push({ action: r.action, status: r.state.status });
  });
  return { out, state: state!, actions: out.map((x) => x.action), statuses: out.map((x) => x.status) };
}

describe('reduce: transitions', () => {
  it.each([
    { name: 'first active evaluation → pending', seq: ['warning'], statuses: ['pending'], actions: ['none'] },
    { name: 'forEvaluations actives → firing (trigger)', seq: ['warning', 'warning'], statuses: ['pending', 'firing'], actions: ['none', 'trigger'] },
    { name: 'firing stays firing while active, no reminder before repeatInterval', seq: ['warning', 'warning', 'warning'], statuses: ['pending', 'firing', 'firing'], actions: ['none', 'trigger', 'none'] },
    { name: 'pending → inactive silently', seq: ['warning', '-'], statuses: ['pending', 'inactive'], actions: ['none', 'none'] },
    { name: 'active streak restarts after pending went inactive', seq: ['warning', '-', 'warning', 'warning'], statuses: ['pending', 'inactive', 'pending', 'firing'], actions: ['none', 'none', 'none', 'trigger'] },
    { name: 'resolve only after resolveAfterEvaluations inactive', seq: ['warning', 'warning', '-', '-', '-'], statuses: ['pending', 'firing', 'firing', 'firing', 'resolved'], actions: ['none', 'trigger', 'none', 'none', 'resolve'] },
    { name: 'hysteresis resets on an active evaluation', seq: ['warning', 'warning', '-', '-', 'warning', '-', '-'], statuses: ['pending', 'firing', 'firing', 'firing', 'firing', 'firing', 'firing'], actions: ['none', 'trigger', 'none', 'none', 'none', 'none', 'none'] },
    { name: 'escalation warning → critical triggers again', seq: ['warning', 'warning', 'critical'], statuses: ['pending', 'firing', 'firing'], actions: ['none', 'trigger', 'trigger'] },
    { name: 'escalation info → warning triggers again', seq: ['info', 'info', 'warning'], statuses: ['pending', 'firing', 'firing'], actions: ['none', 'trigger', 'trigger'] },
    { name: 'de-escalation and re-escalation to an already triggered severity do not trigger', seq: ['critical', 'critical', 'warning', 'critical'], statuses: ['pending', 'firing', 'firing', 'firing'], actions: ['none', 'trigger', 'none', 'none'] },
    { name: 'resolved → active starts a new episode', seq: ['warning', 'warning', '-', '-', '-', 'warning', 'warning'], statuses: ['pending', 'firing', 'firing', 'firing', 'resolved', 'pending', 'firing'], actions: ['none', 'trigger', 'none', 'none', 'resolve', 'none', 'trigger'] },
    { name: 'inactive stays inactive', seq: ['warning', '-', '-', '-', '-'], statuses: ['pending', 'inactive', 'inactive', 'inactive', 'inactive'], actions: ['none', 'none', 'none', 'none', 'none'] },
  ] as Array<{ name: string; seq: Obs[]; statuses: AlertStatus[]; actions: AlertAction[] }>)('$name', ({ seq, statuses, actions }) => {
    const r = run(seq);
    expect(r.statuses).toEqual(statuses);
    expect(r.actions).toEqual(actions);
  });

  it('fires on the first evaluation with forEvaluations 1 and for 0', () => {
    expect(run(['critical'], { ...policy, forEvaluations: 1 }).actions).toEqual(['trigger']);
  });

  it('waits for `for` ms as well as forEvaluations', () => {
    const r = run(['warning', 'warning', 'warning', 'warning'], { ...policy, for: 25 });
    expect(r.actions).toEqual(['none', 'none', 'none', 'trigger']);
    expect(r.state.firedAt).toBe(30);
  });

  it('resolves with resolveAfterEvaluations 1 on the first inactive evaluation', () => {
    expect(run(['warning', 'warning', '-'], { ...policy, resolveAfterEvaluations: 1 }).actions).toEqual(['none', 'trigger', 'resolve']);
  });
});

describe('reduce: reminders', () => {
  const times = [0, 10, 500, 1_009, 1_010, 1_020];
  it('reminds repeatInterval after the trigger when no notification was confirmed', () => {
    const r = run(['warning', 'warning', 'warning', 'warning', 'warning', 'warning'], policy, times);
    expect(r.actions).toEqual(['none', 'trigger', 'none', 'none', 'remind', 'remind']);
  });

  it('counts from lastNotifiedAt once notified', () => {
    const r = run(['warning', 'warning', 'notify', 'warning', 'warning', 'warning'], policy, [0, 10, 400, 1_010, 1_399, 1_400]);
    expect(r.actions).toEqual(['none', 'trigger', 'none', 'none', 'remind']);
  });

  it('retries an unconfirmed reminder at the next evaluation, stops once confirmed', () => {
    const seq: Obs[] = ['warning', 'warning', 'notify', 'warning', 'warning', 'notify', 'warning'];
    const r = run(seq, policy, [0, 10, 10, 1_010, 1_020, 1_020, 1_030]);
    expect(r.actions).toEqual(['none', 'trigger', 'remind', 'remind', 'none']);
  });

  it('does not remind while the firing alert is inactive (hysteresis period)', () => {
    const r = run(['warning', 'warning', '-', '-'], policy, [0, 10, 5_000, 6_000]);
    expect(r.actions).toEqual(['none', 'trigger', 'none', 'none']);
  });
});

describe('reduce: state content', () => {
  it('keeps the latest active finding and keeps it through inactive evaluations', () => {
    let s = reduce(undefined, { active: true, finding: finding({ summary: 'a', evidence: { ratio: 0.9 } }) }, policy, 0).state;
    s = reduce(s, { active: true, finding: finding({ summary: 'b', evidence: { ratio: 0.95 }, severity: 'critical' }) }, policy, 10).state;
    s = reduce(s, { active: false }, policy, 20).state;
    expect(s.summary).toBe('b');
    expect(s.severity).toBe('critical');
    expect(s.finding.evidence).toEqual({ ratio: 0.95 });
    expect(s.lastEvaluatedAt).toBe(20);
  });

  it('carries identity and a 16-hex fingerprint', () => {
    const s = reduce(undefined, { active: true, finding: finding() }, policy, 0).state;
    expect(s).toMatchObject({ rule: 'memory-pressure', pod: 'pool-0', target: 'pool-0', status: 'pending', activeSince: 0 });
    expect(s.fingerprint).toMatch(/^[0-9a-f]{16}$/);
  });

  it('a new episode forgets the previous one', () => {
    const r = run(['warning', 'warning', 'notify', '-', '-', '-', 'warning']);
    expect(r.state.status).toBe('pending');
    expect(r.state.firedAt).toBeUndefined();
    expect(r.state.lastNotifiedAt).toBeUndefined();
    expect(r.state.resolvedAt).toBeUndefined();
  });

  it('rejects an observation that cannot create a state', () => {
    expect(() => reduce(undefined, { active: true }, policy, 0)).toThrow(TypeError);
  });

  it('is pure: inputs are not mutated', () => {
    const first = reduce(undefined, { active: true, finding: finding() }, policy, 0).state;
    const snapshot = structuredClone(first);
    reduce(first, { active: true, finding: finding({ summary: 'changed' }) }, policy, 10);
    reduce(first, { active: false }, policy, 10);
    const notified = markNotified(first, 99);
    expect(first).toEqual(snapshot);
    expect(notified.lastNotifiedAt).toBe(99);
  });
});
