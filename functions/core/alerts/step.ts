import type { AlertPolicy } from '../../config/schema.ts';
import type { Finding } from '../types.ts';
import { toAlertEvent } from './event.ts';
import { fingerprint } from './fingerprint.ts';
import { reduce } from './reducer.ts';
import { compareSeverity } from './severity.ts';
import type { AlertState, Transition } from './types.ts';

/** How long inactive/resolved states are kept after their last status change before being pruned. */
export const DEFAULT_RETAIN_MS = 3_600_000;

/** Options of {@link step}. */
export interface StepOptions {
  /**
   * Names evaluated this round. A state whose `pod` OR `target` is in the set may go inactive when it has
   * no finding; others are left untouched, so a pod whose target failed to scrape does not resolve its
   * alerts. Pass target names too: that lets `scrape-failed` (pod = target) resolve once the target
   * scrapes again, and lets alerts of pods that vanished from a federated target resolve.
   * Omitted: every state without a finding counts as evaluated.
   */
  evaluatedPods?: Set<string>;
  /** Pruning age for inactive/resolved states (ms since their last status change); default one hour. */
  retainFor?: number;
}

export interface StepResult {
  states: Record<string, AlertState>;
  transitions: Transition[];
}

/** Fold one evaluation's findings into the alert states, returning the notification-worthy transitions. */
export function step(
  states: Record<string, AlertState>,
  findings: Finding[],
  policy: AlertPolicy,
  now: number,
  opts: StepOptions = {},
): StepResult {
  const retainFor = opts.retainFor ?? DEFAULT_RETAIN_MS;
  const byFingerprint = new Map<string, Finding>();
  for (const f of findings) {
    const fp = fingerprint(f.rule, f.pod, f.target);
    const seen = byFingerprint.get(fp);
    if (seen === undefined || compareSeverity(f.severity, seen.severity) > 0) byFingerprint.set(fp, f);
  }

  const next: Record<string, AlertState> = {};
  const transitions: Transition[] = [];
  const apply = (fp: string, prev: AlertState | undefined, active: boolean, finding?: Finding): void => {
    const { state, action } = reduce(prev, finding ? { active, finding } : { active }, policy, now);
    if (action !== 'none') {
      transitions.push({ action, state, event: toAlertEvent(state, action === 'resolve' ? 'resolved' : 'firing', now) });
    }
    if (!isStale(state, now, retainFor)) next[fp] = state;
  };

  for (const [fp, finding] of byFingerprint) apply(fp, states[fp], true, finding);
  for (const [fp, prev] of Object.entries(states)) {
    if (byFingerprint.has(fp)) continue;
    const live = prev.status === 'pending' || prev.status === 'firing';
    const evaluated = !opts.evaluatedPods || opts.evaluatedPods.has(prev.pod) || opts.evaluatedPods.has(prev.target);
    if (live && evaluated) apply(fp, prev, false);
    else if (!isStale(prev, now, retainFor)) next[fp] = prev;
  }
  return { states: next, transitions };
}

function isStale(s: AlertState, now: number, retainFor: number): boolean {
  return (s.status === 'inactive' || s.status === 'resolved') && now - s.changedAt >= retainFor;
}
