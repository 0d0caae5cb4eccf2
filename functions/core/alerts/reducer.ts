import type { AlertPolicy } from '../../config/schema.ts';
import type { Finding } from '../types.ts';
import { fingerprint } from './fingerprint.ts';
import { compareSeverity } from './severity.ts';
import type { AlertAction, AlertState } from './types.ts';

/** One evaluation's verdict for one alert. `finding` is required to create a state, optional after. */
export interface Observation {
  active: boolean;
  finding?: Finding;
}

export interface ReduceResult {
  state: AlertState;
  action: AlertAction;
}

/**
 * The alert lifecycle, pure: (previous state, observation, policy, now) → (next state, action).
 *
 * inactive/resolved → pending on the first active evaluation; pending → firing (trigger) once the
 * active streak reaches `forEvaluations` AND lasted `for` ms; pending → inactive silently on an inactive
 * evaluation; firing → resolved (resolve) only after `resolveAfterEvaluations` consecutive inactive
 * evaluations. While firing and active: a severity above the highest triggered one triggers again
 * (escalation; de-escalation does not), otherwise remind once `repeatInterval` passed since the later of
 * the last confirmed notification and the last trigger — so an unconfirmed reminder is retried at the next
 * evaluation, while a trigger still being delivered is not duplicated.
 */
export function reduce(prev: AlertState | undefined, observation: Observation, policy: AlertPolicy, now: number): ReduceResult {
  const { finding } = observation;
  let base = prev;
  if (base === undefined) {
    if (finding === undefined) throw new TypeError('reduce: an observation without a finding needs a previous state');
    base = initialState(finding, now);
  }
  const s: AlertState = { ...base, lastEvaluatedAt: now };
  if (!observation.active) return onInactive(s, effectivePolicy(policy, s.finding), now);
  if (finding !== undefined) {
    s.severity = finding.severity;
    s.summary = finding.summary;
    s.finding = finding;
  }
  return onActive(s, effectivePolicy(policy, s.finding), now);
}

/**
 * The global policy with the finding's own overrides on top (a synthetic check's thresholds). While inactive the
 * state's last finding speaks, so an alert resolves under the policy it fired under.
 */
export function effectivePolicy(policy: AlertPolicy, finding: Finding | undefined): AlertPolicy {
  const own = finding?.policy;
  if (own === undefined) return policy;
  return {
    ...policy,
    ...(own.forEvaluations === undefined ? {} : { forEvaluations: own.forEvaluations }),
    ...(own.resolveAfterEvaluations === undefined ? {} : { resolveAfterEvaluations: own.resolveAfterEvaluations }),
    ...(own.repeatInterval === undefined ? {} : { repeatInterval: own.repeatInterval }),
  };
}

/** Record that a notification for this state was delivered. The runtime calls it after a successful send. */
export function markNotified(state: AlertState, now: number): AlertState {
  return { ...state, lastNotifiedAt: now };
}

function initialState(f: Finding, now: number): AlertState {
  return {
    fingerprint: fingerprint(f.rule, f.pod, f.target),
    rule: f.rule,
    pod: f.pod,
    target: f.target,
    status: 'inactive',
    severity: f.severity,
    summary: f.summary,
    finding: f,
    activeCount: 0,
    inactiveCount: 0,
    changedAt: now,
    lastEvaluatedAt: now,
  };
}

function onActive(s: AlertState, policy: AlertPolicy, now: number): ReduceResult {
  s.inactiveCount = 0;
  if (s.status === 'inactive' || s.status === 'resolved') {
    // A new episode: nothing from the previous one carries over.
    const { firedAt: _f, triggeredAt: _t, triggeredSeverity: _ts, lastNotifiedAt: _n, resolvedAt: _r, ...rest } = s;
    return onActive({ ...rest, status: 'pending', activeCount: 0, activeSince: now, changedAt: now }, policy, now);
  }
  s.activeCount += 1;
  if (s.status === 'pending') {
    const since = s.activeSince ?? now;
    if (s.activeCount >= policy.forEvaluations && now - since >= policy.for) {
      return {
        state: { ...s, status: 'firing', firedAt: now, triggeredAt: now, triggeredSeverity: s.severity, changedAt: now },
        action: 'trigger',
      };
    }
    return { state: s, action: 'none' };
  }
  // firing
  if (s.triggeredSeverity === undefined || compareSeverity(s.severity, s.triggeredSeverity) > 0) {
    return { state: { ...s, triggeredAt: now, triggeredSeverity: s.severity }, action: 'trigger' };
  }
  const since = Math.max(s.lastNotifiedAt ?? Number.NEGATIVE_INFINITY, s.triggeredAt ?? s.firedAt ?? now);
  return { state: s, action: now - since >= policy.repeatInterval ? 'remind' : 'none' };
}

function onInactive(s: AlertState, policy: AlertPolicy, now: number): ReduceResult {
  s.activeCount = 0;
  s.inactiveCount += 1;
  if (s.status === 'pending') {
    const { activeSince: _a, ...rest } = s;
    return { state: { ...rest, status: 'inactive', changedAt: now }, action: 'none' };
  }
  if (s.status === 'firing' && s.inactiveCount >= policy.resolveAfterEvaluations) {
    const { activeSince: _a, ...rest } = s;
    return { state: { ...rest, status: 'resolved', resolvedAt: now, changedAt: now }, action: 'resolve' };
  }
  return { state: s, action: 'none' };
}
