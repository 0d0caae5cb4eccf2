import type { Severity } from '../types.ts';

/**
 * One alert transition entering routing: a probe finding's or an Alertmanager alert's.
 * `labels` always include `rule`, `pod`, `target`, `severity`, `status` and `source`.
 */
export interface RoutableAlert {
  fingerprint: string;
  status: 'firing' | 'resolved';
  action: 'trigger' | 'remind' | 'resolve';
  severity: Severity;
  labels: Record<string, string>;
}

/**
 * A notification to hand to a receiver: the visible alerts of one group. Inside it, each alert's `action` says
 * what it is for this receiver: `trigger` (new to it, or escalated), `remind` (already known, still firing,
 * carried for context) or `resolve`. Resolved alerts are always kept; `sendResolved` filtering is the caller's.
 */
export interface GroupBatch {
  receiver: string;
  fallback?: string;
  groupKey: string;
  routePath: string;
  /** `trigger` if any alert triggers, else `resolve` if all resolve, else `remind`. */
  kind: 'trigger' | 'remind' | 'resolve';
  /** The group's repeat interval has passed with an alert still firing: a reminder is due whatever else changed. */
  reminder: boolean;
  alerts: RoutableAlert[];
}

/** An alert as a group holds it. */
export interface GroupedAlert {
  /** Latest transition seen for it. */
  alert: RoutableAlert;
  /** A batch in which it was firing was marked sent: this group's receiver knows it. */
  notified: boolean;
  /** A trigger (escalation) arrived after it was notified and is not sent yet. */
  retrigger: boolean;
  /**
   * Its labels now route it to another group, but this group's receiver was told it fires: kept hidden here
   * until it resolves, so that receiver still gets the resolve (and no premature one).
   */
  moved: boolean;
}

/** One aggregation group (Alertmanager's aggrGroup). Plain JSON; times are ms since epoch. */
export interface GroupState {
  groupKey: string;
  routePath: string;
  receiver: string;
  fallback?: string;
  /** Timings of the route, refreshed whenever an alert is routed to the group. */
  groupWait: number;
  groupInterval: number;
  repeatInterval: number;
  createdAt: number;
  /** When a batch of this group was last marked sent. */
  lastSentAt?: number;
  /** A `remind` arrived since the last send; honoured once `repeatInterval` has passed. */
  remindWanted: boolean;
  /** Sorted by fingerprint. */
  alerts: GroupedAlert[];
  /** Fingerprints of the batch last planned and not yet marked sent: what `markGroupSent` confirms. */
  pending?: string[];
}

/** Serialisable grouper state (arrays rather than maps, so label values can never collide with object keys). */
export interface GrouperState {
  /** Sorted by group key. */
  groups: GroupState[];
}

/** Why an alert was left out of notifications. `by` is the silence id (else its comment) or the inhibiting alert's fingerprint. */
export interface MutedAlert {
  fingerprint: string;
  reason: 'silenced' | 'inhibited';
  by: string;
}

/** Result of `planNotifications`. */
export interface PlanResult {
  state: GrouperState;
  due: GroupBatch[];
  muted: MutedAlert[];
}
