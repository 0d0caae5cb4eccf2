import type { AlertEvent, AlertState } from './types.ts';

/** The alert-events JSONL record for a state, at evaluation time `now` (injected). */
export function toAlertEvent(state: AlertState, status: AlertEvent['status'], now: number): AlertEvent {
  // Built key by key: the order is the documented format.
  return {
    ts: new Date(now).toISOString(),
    status,
    severity: state.severity,
    rule: state.rule,
    pod: state.pod,
    target: state.target,
    fingerprint: state.fingerprint,
    summary: state.summary,
  };
}
