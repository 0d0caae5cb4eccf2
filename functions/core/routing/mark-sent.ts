import type { GrouperState } from './grouper-types.ts';
import { isFiring } from './muting.ts';

/**
 * Confirm that the batch last planned for `groupKey` was handed off durably (queued or delivered) to `receiver`
 * (the group's receiver or its fallback). Its firing alerts become known to the receiver, its resolved alerts
 * leave the group, the group's clock restarts at `now`, and an emptied group is dropped. Until this is called
 * the batch stays due. Unknown group, no pending batch or a foreign receiver: the state is returned unchanged,
 * so confirming twice is harmless.
 */
export function markGroupSent(state: GrouperState, groupKey: string, receiver: string, now: number): GrouperState {
  const g = state.groups.find((x) => x.groupKey === groupKey);
  if (g?.pending === undefined || (receiver !== g.receiver && receiver !== g.fallback)) return state;
  const sent = new Set(g.pending);
  const alerts = g.alerts
    .filter((e) => !(sent.has(e.alert.fingerprint) && !isFiring(e.alert)))
    .map((e) => (sent.has(e.alert.fingerprint) ? { ...e, notified: true, retrigger: false } : e));
  const { pending: _pending, ...rest } = g;
  const next = { ...rest, alerts, lastSentAt: now, remindWanted: false };
  const groups = state.groups.flatMap((x) => (x !== g ? [x] : alerts.length > 0 ? [next] : []));
  return { groups };
}
