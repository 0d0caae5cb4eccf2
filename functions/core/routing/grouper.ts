import { compareSeverity } from '../alerts/severity.ts';
import { groupKeyFor } from './group-key.ts';
import { createMuter, isFiring } from './muting.ts';
import { matchRoutes } from './route.ts';
import type { MatchedRoute } from './route.ts';
import type { RoutingConfig } from './schema.ts';
import type { GroupBatch, GroupedAlert, GroupState, GrouperState, MutedAlert, PlanResult, RoutableAlert } from './grouper-types.ts';

/** The state before any alert. */
export function emptyGrouperState(): GrouperState {
  return { groups: [] };
}

/**
 * Alertmanager's dispatcher as a pure reducer over rounds: (state, this round's transitions, routing, now) →
 * (state, batches due now, alerts muted). Semantics:
 * - each alert joins one group per matched route (`continue` can give several);
 * - a new group sends its first batch `groupWait` after it was created, so alerts of the next rounds join it;
 * - later changes (new or escalated alerts, resolves) wait until `groupInterval` after the last send;
 * - a `remind` is held until `repeatInterval` after the last send, then the batch carries every visible firing alert;
 * - every batch carries all visible alerts of the group (Alertmanager's full-group notifications);
 * - silenced and inhibited firing alerts are left out; inhibition sees every firing alert the grouper knows,
 *   muted ones included (as in Alertmanager). A resolve of an alert the receiver was told about is never muted,
 *   so incidents opened downstream always close; a resolve of an alert it never heard of is dropped;
 * - an alert whose labels move it to another group stays hidden in the old one if that receiver was told it
 *   fires, and gets its resolve there too (no receiver is left believing it fires forever);
 * - a batch stays due at every call until `markGroupSent` confirms it (no loss on a failed hand-off).
 */
export function planNotifications(state: GrouperState, alerts: readonly RoutableAlert[], routing: RoutingConfig, now: number): PlanResult {
  const groups = new Map<string, Group>(state.groups.map((g) => [g.groupKey, toGroup(g)]));
  for (const alert of alerts) ingest(groups, copyAlert(alert), routing, now);
  for (const [key, g] of groups) if (g.alerts.size === 0) groups.delete(key);

  const firing = new Map<string, RoutableAlert>();
  for (const g of groups.values()) for (const e of g.alerts.values()) if (isFiring(e.alert) && !e.moved) firing.set(e.alert.fingerprint, e.alert);
  const mute = createMuter([...firing.values()], routing, now);
  const muted = new Map<string, MutedAlert>();
  for (const a of alerts) {
    // The latest version of this round's alert, if it still fires (it may have come twice).
    const latest = firing.get(a.fingerprint);
    const m = latest === undefined ? undefined : mute(latest);
    if (m !== undefined) muted.set(a.fingerprint, m);
  }

  const due: GroupBatch[] = [];
  const keys = [...groups.keys()].sort();
  for (const key of keys) {
    const g = groups.get(key)!;
    const visible: GroupedAlert[] = [];
    const left: MutedAlert[] = [];
    for (const e of g.alerts.values()) {
      if (e.moved) continue;
      const m = isFiring(e.alert) ? mute(e.alert) : undefined;
      if (m === undefined) visible.push(e);
      else left.push(m);
    }
    if (!isDue(g, visible, now)) {
      delete g.pending;
      continue;
    }
    // Members left out of a batch being sent are reported too, not only this round's arrivals.
    for (const m of left) if (!muted.has(m.fingerprint)) muted.set(m.fingerprint, m);
    visible.sort((a, b) => compareSeverity(b.alert.severity, a.alert.severity) || cmp(a.alert.fingerprint, b.alert.fingerprint));
    const batchAlerts = visible.map((e) => ({ ...copyAlert(e.alert), action: actionOf(e) }));
    g.pending = visible.map((e) => e.alert.fingerprint).sort(cmp);
    due.push({
      receiver: g.receiver,
      ...(g.fallback === undefined ? {} : { fallback: g.fallback }),
      groupKey: g.groupKey,
      routePath: g.routePath,
      kind: batchKind(batchAlerts),
      reminder: reminderDue(g, now),
      alerts: batchAlerts,
    });
  }
  return { state: { groups: keys.map((k) => fromGroup(groups.get(k)!)) }, due, muted: [...muted.values()] };
}

/** Working form of a group: alerts in a map for the round. */
type Group = Omit<GroupState, 'alerts'> & { alerts: Map<string, GroupedAlert> };

function ingest(groups: Map<string, Group>, alert: RoutableAlert, routing: RoutingConfig, now: number): void {
  const fp = alert.fingerprint;
  const holders = [...groups.values()].filter((g) => g.alerts.has(fp));
  if (!isFiring(alert)) {
    if (holders.length > 0) {
      for (const g of holders) {
        const e = g.alerts.get(fp)!;
        // Nobody was told it fired: nothing to resolve downstream.
        if (!e.notified) g.alerts.delete(fp);
        else g.alerts.set(fp, { alert, notified: true, retrigger: false, moved: false });
      }
      return;
    }
    // Unknown here (state lost, config changed): the receiver may hold it open, so send the resolve anyway.
    for (const route of matchRoutes(alert.labels, routing.route)) {
      groupFor(groups, route, alert, now).alerts.set(fp, { alert, notified: true, retrigger: false, moved: false });
    }
    return;
  }
  const routes = matchRoutes(alert.labels, routing.route);
  const keys = new Set(routes.map((r) => groupKeyFor(r, alert.labels)));
  // Labels changed so the alert moved (e.g. escalated and grouped by severity). A resolve to the old group now
  // could close the incident the new group opens under the same dedup key; forgetting it would leave that
  // receiver believing it fires forever. So the old group keeps it hidden until the real resolve.
  for (const g of holders) {
    if (keys.has(g.groupKey)) continue;
    const e = g.alerts.get(fp)!;
    if (e.notified) g.alerts.set(fp, { ...e, retrigger: false, moved: true });
    else g.alerts.delete(fp);
  }
  for (const route of routes) {
    const g = groupFor(groups, route, alert, now);
    const prev = g.alerts.get(fp);
    const notified = prev?.notified ?? false;
    g.alerts.set(fp, { alert, notified, retrigger: (prev?.retrigger ?? false) || (notified && alert.action === 'trigger'), moved: false });
    if (alert.action === 'remind') g.remindWanted = true;
  }
}

function groupFor(groups: Map<string, Group>, route: MatchedRoute, alert: RoutableAlert, now: number): Group {
  const key = groupKeyFor(route, alert.labels);
  const existing = groups.get(key);
  const g: Group = existing ?? { groupKey: key, routePath: route.path, receiver: route.receiver, groupWait: 0, groupInterval: 0, repeatInterval: 0, createdAt: now, remindWanted: false, alerts: new Map() };
  // Refresh from the current config so a reload applies to live groups.
  g.receiver = route.receiver;
  if (route.fallback === undefined) delete g.fallback;
  else g.fallback = route.fallback;
  g.groupWait = route.groupWait;
  g.groupInterval = route.groupInterval;
  g.repeatInterval = route.repeatInterval;
  groups.set(key, g);
  return g;
}

function isDue(g: Group, visible: readonly GroupedAlert[], now: number): boolean {
  const changed = visible.some((e) => !isFiring(e.alert) || !e.notified || e.retrigger);
  if (g.lastSentAt === undefined) return changed && now >= g.createdAt + g.groupWait;
  if (changed && now >= g.lastSentAt + g.groupInterval) return true;
  const known = visible.some((e) => isFiring(e.alert) && e.notified);
  return known && reminderDue(g, now);
}

function reminderDue(g: Group, now: number): boolean {
  return g.remindWanted && g.lastSentAt !== undefined && now >= g.lastSentAt + g.repeatInterval;
}

function actionOf(e: GroupedAlert): RoutableAlert['action'] {
  if (!isFiring(e.alert)) return 'resolve';
  return !e.notified || e.retrigger ? 'trigger' : 'remind';
}

function batchKind(alerts: readonly RoutableAlert[]): GroupBatch['kind'] {
  if (alerts.some((a) => a.action === 'trigger')) return 'trigger';
  return alerts.every((a) => a.action === 'resolve') ? 'resolve' : 'remind';
}

function copyAlert(a: RoutableAlert): RoutableAlert {
  return { fingerprint: a.fingerprint, status: a.status, action: a.action, severity: a.severity, labels: { ...a.labels } };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function toGroup(g: GroupState): Group {
  return { ...g, ...(g.pending ? { pending: [...g.pending] } : {}), alerts: new Map(g.alerts.map((e) => [e.alert.fingerprint, { ...e }])) };
}

function fromGroup(g: Group): GroupState {
  const alerts = [...g.alerts.values()].sort((a, b) => cmp(a.alert.fingerprint, b.alert.fingerprint));
  return { ...g, alerts };
}
