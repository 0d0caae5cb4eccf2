import { matchesAll } from './matchers.ts';
import type { Labels } from './matchers.ts';
import type { InhibitRule } from './schema.ts';

/** Which firing alert (index into `firing`) mutes the target, and through which rule (index into `rules`). */
export interface Inhibitor {
  rule: number;
  source: number;
}

/**
 * The first firing alert that inhibits `target`, Alertmanager semantics: the target matches a rule's
 * `targetMatchers`, a firing source matches its `sourceMatchers`, and every `equal` label has the same value on
 * both (a label missing on both counts as equal). A source with `status="resolved"` is not firing, and an alert
 * never inhibits itself (same labels, `status` aside), so a rule whose matchers both match one alert is safe; nor
 * does a source matching both sides inhibit a target matching both sides.
 */
export function findInhibitor(target: Labels, firing: readonly Labels[], rules: readonly InhibitRule[]): Inhibitor | undefined {
  for (const [r, rule] of rules.entries()) {
    if (!matchesAll(target, rule.targetMatchers)) continue;
    // Alertmanager's excludeTwoSidedMatch: when the target could also be a source, a source that could also be a
    // target does not mute it, or two such alerts (two warning oom-killed on one pod) would mute each other.
    const twoSided = matchesAll(target, rule.sourceMatchers);
    for (const [s, source] of firing.entries()) {
      if (source.status === 'resolved' || sameAlert(source, target)) continue;
      if (!matchesAll(source, rule.sourceMatchers)) continue;
      if (twoSided && matchesAll(source, rule.targetMatchers)) continue;
      if (rule.equal.every((name) => (source[name] ?? '') === (target[name] ?? ''))) return { rule: r, source: s };
    }
  }
  return undefined;
}

/** Whether any firing alert inhibits `target` through any rule. */
export function isInhibited(target: Labels, firing: readonly Labels[], rules: readonly InhibitRule[]): boolean {
  return findInhibitor(target, firing, rules) !== undefined;
}

function sameAlert(a: Labels, b: Labels): boolean {
  const keys = (l: Labels): string[] => Object.keys(l).filter((k) => k !== 'status').sort();
  const ka = keys(a);
  const kb = keys(b);
  return ka.length === kb.length && ka.every((k, i) => k === kb[i] && a[k] === b[k]);
}
