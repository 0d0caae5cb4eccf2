import type { MutedAlert, RoutableAlert } from './grouper-types.ts';
import { findInhibitor } from './inhibit.ts';
import type { RoutingConfig } from './schema.ts';
import { activeSilence } from './silence.ts';

/**
 * Whether a firing alert is muted at `now`, and by what: inhibition first (by the firing `sources`), then
 * silences, Alertmanager's order. Memoised per fingerprint: call it with each alert's latest version.
 */
export function createMuter(sources: readonly RoutableAlert[], routing: Pick<RoutingConfig, 'inhibitRules' | 'silences'>, now: number): (a: RoutableAlert) => MutedAlert | undefined {
  const memo = new Map<string, MutedAlert | undefined>();
  return (a) => {
    if (memo.has(a.fingerprint)) return memo.get(a.fingerprint);
    let m: MutedAlert | undefined;
    // By fingerprint too, not only by labels: an alert never inhibits itself.
    const others = routing.inhibitRules.length === 0 ? [] : sources.filter((s) => s.fingerprint !== a.fingerprint);
    const inh = others.length === 0 ? undefined : findInhibitor(a.labels, others.map((s) => s.labels), routing.inhibitRules);
    if (inh !== undefined) m = { fingerprint: a.fingerprint, reason: 'inhibited', by: others[inh.source]!.fingerprint };
    else {
      const s = activeSilence(a.labels, routing.silences, now);
      if (s !== undefined) m = { fingerprint: a.fingerprint, reason: 'silenced', by: s.id ?? s.comment };
    }
    memo.set(a.fingerprint, m);
    return m;
  };
}

/** A transition counts as resolved if either field says so (status is authoritative, action a hint). */
export function isFiring(a: RoutableAlert): boolean {
  return a.status === 'firing' && a.action !== 'resolve';
}

