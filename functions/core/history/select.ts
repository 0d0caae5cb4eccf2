import type { Aggregation, Point } from './types.ts';

/**
 * Combines several series into one, like an instant-vector aggregation evaluated at every timestamp any of them
 * has: each series contributes its latest point at or before that instant, if not older than `stalenessMs`.
 * One series comes back as a copy of itself.
 */
export function mergePoints(list: readonly (readonly Point[])[], agg: Aggregation, stalenessMs: number): Point[] {
  const nonEmpty = list.filter((s) => s.length > 0);
  if (nonEmpty.length === 0) return [];
  if (nonEmpty.length === 1) return nonEmpty[0]!.map((p) => ({ t: p.t, v: p.v }));
  const times = [...new Set(nonEmpty.flatMap((s) => s.map((p) => p.t)))].sort((a, b) => a - b);
  const cursor = nonEmpty.map(() => -1);
  const out: Point[] = [];
  for (const t of times) {
    let acc: number | undefined;
    nonEmpty.forEach((s, i) => {
      let c = cursor[i]!;
      while (c + 1 < s.length && s[c + 1]!.t <= t) c++;
      cursor[i] = c;
      if (c < 0 || t - s[c]!.t > stalenessMs) return;
      const v = s[c]!.v;
      acc = acc === undefined ? v : agg === 'sum' ? acc + v : Math.max(acc, v);
    });
    if (acc !== undefined) out.push({ t, v: acc });
  }
  return out;
}

/** The last point at or before `t`, if any (binary search on a sorted series). */
export function pointAtOrBefore(points: readonly Point[], t: number): Point | undefined {
  let lo = 0;
  let hi = points.length - 1;
  let found: Point | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (points[mid]!.t <= t) {
      found = points[mid];
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

/**
 * Pairs two series in time: for each point of `a`, the latest point of `b` at or before it (within `stalenessMs`),
 * combined with `fn`. Used for "cgroup minus BEAM", whose series are scraped by different jobs at different instants.
 */
export function combine(a: readonly Point[], b: readonly Point[], stalenessMs: number, fn: (x: number, y: number) => number): Point[] {
  const out: Point[] = [];
  for (const p of a) {
    const q = pointAtOrBefore(b, p.t);
    if (q && p.t - q.t <= stalenessMs) out.push({ t: p.t, v: fn(p.v, q.v) });
  }
  return out;
}
