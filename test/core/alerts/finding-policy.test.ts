import { describe, expect, it } from 'vitest';
import { reduce, step } from '../../../functions/core/alerts/index.ts';
import type { AlertState } from '../../../functions/core/alerts/index.ts';
import { effectivePolicy } from '../../../functions/core/alerts/reducer.ts';
import type { Finding } from '../../../functions/core/types.ts';
import { finding, policy } from './helpers.ts';

/** Runs active (`x`) / inactive (`-`) evaluations at t = 0, 10, 20 … through `reduce`; returns the actions. */
function run(seq: string, f: Finding): { actions: string[]; state: AlertState } {
  let state: AlertState | undefined;
  const actions: string[] = [];
  [...seq].forEach((o, i) => {
    const r = reduce(state, o === 'x' ? { active: true, finding: f } : { active: false }, policy, i * 10);
    state = r.state;
    actions.push(r.action);
  });
  return { actions, state: state! };
}

describe('Finding.policy overrides the global alert policy', () => {
  it('effectivePolicy: only the fields the finding sets', () => {
    expect(effectivePolicy(policy, finding())).toBe(policy);
    expect(effectivePolicy(policy, finding({ policy: { forEvaluations: 5 } }))).toEqual({ ...policy, forEvaluations: 5 });
    expect(effectivePolicy(policy, finding({ policy: { resolveAfterEvaluations: 1, repeatInterval: 50 } }))).toEqual({ ...policy, resolveAfterEvaluations: 1, repeatInterval: 50 });
  });

  it('forEvaluations from the finding: fires on the 4th active evaluation instead of the 2nd', () => {
    expect(run('xxxx', finding({ policy: { forEvaluations: 4 } })).actions).toEqual(['none', 'none', 'none', 'trigger']);
    expect(run('xx', finding()).actions).toEqual(['none', 'trigger']);
  });

  it('forEvaluations 1 fires at once', () => {
    expect(run('x', finding({ policy: { forEvaluations: 1 } })).actions).toEqual(['trigger']);
  });

  it('resolveAfterEvaluations comes from the last finding while inactive (global says 3)', () => {
    const r = run('xx-', finding({ policy: { resolveAfterEvaluations: 1 } }));
    expect(r.actions).toEqual(['none', 'trigger', 'resolve']);
    expect(r.state.status).toBe('resolved');
    expect(run('xx---', finding({ policy: { resolveAfterEvaluations: 3 } })).actions).toEqual(['none', 'trigger', 'none', 'none', 'resolve']);
  });

  it('repeatInterval from the finding drives reminders (global is 1000 ms)', () => {
    expect(run('xxxxxx', finding({ policy: { repeatInterval: 20 } })).actions).toEqual(['none', 'trigger', 'none', 'remind', 'remind', 'remind']);
    expect(run('xxxxxx', finding()).actions).toEqual(['none', 'trigger', 'none', 'none', 'none', 'none']);
  });

  it('step applies each finding its own policy in the same round', () => {
    const fast = finding({ rule: 'http-check-failed', pod: 'api', target: 'api', policy: { forEvaluations: 1 } });
    const slow = finding({ rule: 'http-check-failed', pod: 'web', target: 'web', policy: { forEvaluations: 3 } });
    const first = step({}, [fast, slow], policy, 0);
    expect(first.transitions.map((t) => t.state.pod)).toEqual(['api']);
    const second = step(first.states, [fast, slow], policy, 10);
    const third = step(second.states, [fast, slow], policy, 20);
    expect(third.transitions.map((t) => [t.action, t.state.pod])).toEqual([['trigger', 'web']]);
  });
});
