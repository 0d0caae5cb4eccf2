import type { Severity } from '../types.ts';

const RANK: Record<Severity, number> = { info: 1, warning: 2, critical: 3 };

/** Positive when `a` is more severe than `b`. */
export function compareSeverity(a: Severity, b: Severity): number {
  return RANK[a] - RANK[b];
}
