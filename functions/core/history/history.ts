import { defaultMetricNames } from '../../config/metric-names.ts';
import type { Snapshot, TargetKind } from '../types.ts';
import { HistoryDump, fromJsonNumber, toJsonNumber } from './dump.ts';
import { counterSampleNames, keptSampleNames } from './keep.ts';
import { DEFAULT_VOLATILE_LABELS, matches, podOf, seriesKey, storedLabels } from './labels.ts';
import { perSeries, quantileByGroup, sumBy, sumOf } from './queries.ts';
import { mergePoints } from './select.ts';
import { inRange } from './stats.ts';
import type { Aggregation, GroupValue, HistoryOptions, Match, PodInfo, Point, ResolvedHistoryOptions, SeriesView } from './types.ts';

interface StoredSeries {
  name: string;
  labels: Record<string, string>;
  points: Point[];
  last: Point;
}

interface PodState extends PodInfo {
  /** name → series key → series: selections are by name first. */
  byName: Map<string, Map<string, StoredSeries>>;
  count: number;
  prunedAt: number;
  /** At the series cap, the sample time at which no room could be made for a histogram bucket series. */
  fullAt?: number;
}

/** A histogram's bucket series: the many series of one pod, and the first to give way at the series cap. */
const isBucket = (name: string): boolean => name.endsWith('_bucket');

const DEFAULTS = { windowMs: 2 * 3_600_000, maxPoints: 720, maxSeriesPerPod: 5_000, maxPods: 2_000, stalenessMs: 5 * 60_000 };

/**
 * Per-pod, per-series bounded windows of samples, and the PromQL-like reads the heuristics need
 * (latest, points, increase, rate, histogram_quantile). Pure: time only ever comes from the samples.
 */
export class History {
  readonly options: ResolvedHistoryOptions;
  #pods = new Map<string, PodState>();
  #keep: Set<string>;
  #counters: Set<string>;
  #volatile: Set<string>;
  #clock = -Infinity;

  constructor(opts: HistoryOptions = {}) {
    this.options = {
      ...DEFAULTS,
      names: defaultMetricNames,
      volatileLabels: DEFAULT_VOLATILE_LABELS,
      ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)),
    } as ResolvedHistoryOptions;
    this.#keep = keptSampleNames(this.options.names);
    this.#counters = counterSampleNames(this.options.names);
    this.#volatile = new Set(this.options.volatileLabels);
  }

  /** Adds one scrape. Samples of names no heuristic reads are dropped before any other work. */
  ingest(snapshot: Snapshot): void {
    this.#clock = Math.max(this.#clock, snapshot.ts);
    const touched = new Set<PodState>();
    for (const family of snapshot.families) {
      for (const sample of family.samples) {
        if (!this.#keep.has(sample.name)) continue;
        const pod = snapshot.kind === 'metrics' ? snapshot.target : podOf(sample.labels);
        if (!pod) continue;
        const t = sample.timestamp ?? snapshot.ts;
        const state = this.#podState(pod, snapshot.kind, t);
        state.target = snapshot.target;
        touched.add(state);
        this.#append(state, sample.name, sample.labels, t, sample.value, this.#counters.has(sample.name));
      }
    }
    // Pruning walks every series of a pod, so do it a few times per window rather than on every scrape.
    for (const state of touched) {
      if (this.#clock - state.prunedAt >= this.options.windowMs / 8) this.#pruneStaleSeries(state, this.#clock);
    }
    this.#evictPods();
  }

  /** Pods currently held, in first-seen order. */
  pods(): string[] {
    return [...this.#pods.keys()];
  }

  podInfo(pod: string): PodInfo | undefined {
    const s = this.#pods.get(pod);
    return s && { kind: s.kind, firstSeen: s.firstSeen, lastSeen: s.lastSeen, lastResetAt: s.lastResetAt, target: s.target };
  }

  /** Every stored series of `name` for the pod that satisfies `match`, stale ones included. */
  series(pod: string, name: string, match?: Match): SeriesView[] {
    const byKey = this.#pods.get(pod)?.byName.get(name);
    if (!byKey) return [];
    const out: SeriesView[] = [];
    for (const s of byKey.values()) if (matches(s.labels, match)) out.push(s);
    return out;
  }

  /** Series that are not stale: last sample within `stalenessMs` of the pod's newest sample. */
  currentSeries(pod: string, name: string, match?: Match): SeriesView[] {
    const lastSeen = this.#pods.get(pod)?.lastSeen ?? -Infinity;
    return this.series(pod, name, match).filter((s) => lastSeen - s.last.t <= this.options.stalenessMs);
  }

  /** Latest value across current matching series (max by default, like the runbook's `max by (pod)`); may be NaN. */
  latest(pod: string, name: string, match?: Match, agg: Aggregation = 'max'): number | undefined {
    const current = this.currentSeries(pod, name, match);
    if (current.length === 0) return undefined;
    return current.map((s) => s.last.v).reduce((a, b) => (agg === 'sum' ? a + b : Math.max(a, b)));
  }

  /** Finite points of the matching series, merged in time with `agg`, within `(from, to]`. */
  points(pod: string, name: string, match?: Match, opts: { from?: number; to?: number; agg?: Aggregation } = {}): Point[] {
    const merged = mergePoints(
      this.series(pod, name, match).map((s) => s.points),
      opts.agg ?? 'max',
      this.options.stalenessMs,
    );
    return inRange(merged, opts.from ?? -Infinity, opts.to ?? Infinity);
  }

  /**
   * `sum(increase(name{match}[range]))` at `now`, Prometheus-style (reset-aware, extrapolated). With
   * `exact`, the plain reset-aware delta from the last sample before the range to the last inside it:
   * whole restarts, not 1.07 of one. Undefined when no series has two samples to compare.
   */
  increase(pod: string, name: string, match: Match | undefined, rangeMs: number, now: number, opts: { exact?: boolean } = {}): number | undefined {
    return sumOf(perSeries(this.series(pod, name, match), rangeMs, now, opts.exact ? 'exact' : 'increase', []));
  }

  /** `sum(rate(name{match}[range]))` at `now`, per second. Never negative. */
  rate(pod: string, name: string, match: Match | undefined, rangeMs: number, now: number): number | undefined {
    return sumOf(perSeries(this.series(pod, name, match), rangeMs, now, 'rate', []));
  }

  /** `sum by (by) (rate(name{match}[range]))` at `now`. */
  rateBy(pod: string, name: string, match: Match | undefined, rangeMs: number, now: number, by: readonly string[]): GroupValue[] {
    return sumBy(perSeries(this.series(pod, name, match), rangeMs, now, 'rate', by));
  }

  /**
   * `histogram_quantile(q, sum by (le[, groupBy]) (rate(family_bucket{match}[range])))` at `now`.
   * Without `groupBy`: one number (NaN when nothing was observed). With it: one value per group.
   */
  histogramQuantile(q: number, pod: string, family: string, rangeMs: number, now: number, groupBy?: undefined, match?: Match): number;
  histogramQuantile(q: number, pod: string, family: string, rangeMs: number, now: number, groupBy: readonly string[], match?: Match): GroupValue[];
  histogramQuantile(q: number, pod: string, family: string, rangeMs: number, now: number, groupBy?: readonly string[], match?: Match): number | GroupValue[] {
    const by = groupBy ?? [];
    const out = quantileByGroup(q, this.rateBy(pod, `${family}_bucket`, match, rangeMs, now, ['le', ...by]), by);
    return groupBy ? out : (out[0]?.value ?? NaN);
  }

  /** Sizes, for bounds checks and logs. */
  stats(): { pods: number; series: number; points: number } {
    let series = 0;
    let points = 0;
    for (const s of this.#pods.values()) {
      series += s.count;
      for (const byKey of s.byName.values()) for (const x of byKey.values()) points += x.points.length;
    }
    return { pods: this.#pods.size, series, points };
  }

  dump(): HistoryDump {
    return {
      version: 1,
      pods: [...this.#pods.entries()].map(([pod, s]) => ({
        pod,
        kind: s.kind,
        firstSeen: s.firstSeen,
        lastSeen: s.lastSeen,
        ...(s.lastResetAt !== undefined ? { lastResetAt: s.lastResetAt } : {}),
        ...(s.target !== undefined ? { target: s.target } : {}),
        series: [...s.byName.values()].flatMap((byKey) =>
          [...byKey.values()].map((x) => ({
            name: x.name,
            labels: { ...x.labels },
            points: x.points.map((p): [number, number] => [p.t, p.v]),
            last: [x.last.t, toJsonNumber(x.last.v)] as [number, number | 'NaN' | '+Inf' | '-Inf'],
          })),
        ),
      })),
    };
  }

  /** Rebuilds a History from {@link History.dump}; the bounds of `opts` apply to what is loaded. */
  static load(dump: unknown, opts: HistoryOptions = {}): History {
    const parsed = HistoryDump.parse(dump);
    const h = new History(opts);
    for (const p of parsed.pods) {
      const state = h.#podState(p.pod, p.kind, p.firstSeen);
      state.lastSeen = Math.max(state.lastSeen, p.lastSeen);
      state.lastResetAt = p.lastResetAt;
      state.target = p.target;
      h.#clock = Math.max(h.#clock, p.lastSeen);
      for (const s of p.series) {
        const stored = h.#seriesFor(state, s.name, s.labels, s.last[0]);
        if (!stored) continue;
        stored.points = s.points.map(([t, v]) => ({ t, v }));
        stored.last = { t: s.last[0], v: fromJsonNumber(s.last[1]) };
        h.#trim(stored);
      }
    }
    for (const state of h.#pods.values()) h.#pruneStaleSeries(state, h.#clock);
    h.#evictPods();
    return h;
  }

  #podState(pod: string, kind: TargetKind, t: number): PodState {
    let s = this.#pods.get(pod);
    if (!s) {
      s = { kind, firstSeen: t, lastSeen: t, byName: new Map(), count: 0, prunedAt: t };
      this.#pods.set(pod, s);
    }
    s.kind = kind;
    s.lastSeen = Math.max(s.lastSeen, t);
    s.firstSeen = Math.min(s.firstSeen, t);
    return s;
  }

  #seriesFor(state: PodState, name: string, raw: Readonly<Record<string, string>>, t: number): StoredSeries | undefined {
    const labels = storedLabels(raw, this.#volatile);
    const key = seriesKey(name, labels);
    let byKey = state.byName.get(name);
    const found = byKey?.get(key);
    if (found) return found;
    if (state.count >= this.options.maxSeriesPerPod && !this.#makeRoom(state, name, t)) return undefined;
    if (!byKey) state.byName.set(name, (byKey = new Map()));
    const created: StoredSeries = { name, labels, points: [], last: { t: -Infinity, v: NaN } };
    byKey.set(key, created);
    state.count++;
    return created;
  }

  #append(state: PodState, name: string, raw: Readonly<Record<string, string>>, t: number, v: number, counter: boolean): void {
    const s = this.#seriesFor(state, name, raw, t);
    if (!s || t < s.last.t) return; // out of order: Prometheus would reject it too
    const tail = s.points[s.points.length - 1];
    if (tail && tail.t === t) s.points.pop(); // a duplicate timestamp (HA pair) replaces, never stacks
    const prev = s.points[s.points.length - 1];
    if (counter && prev && Number.isFinite(v) && v < prev.v) state.lastResetAt = Math.max(state.lastResetAt ?? -Infinity, t);
    s.last = { t, v };
    if (Number.isFinite(v)) s.points.push({ t, v });
    this.#trim(s);
  }

  #trim(s: StoredSeries): void {
    const newest = s.last.t;
    let drop = 0;
    while (drop < s.points.length && s.points[drop]!.t < newest - this.options.windowMs) drop++;
    drop = Math.max(drop, s.points.length - this.options.maxPoints);
    if (drop > 0) s.points.splice(0, drop);
  }

  #pruneStaleSeries(state: PodState, now: number): void {
    state.prunedAt = now;
    for (const [name, byKey] of state.byName) {
      for (const [key, s] of byKey) {
        if (s.last.t < now - this.options.windowMs) {
          byKey.delete(key);
          state.count--;
        }
      }
      if (byKey.size === 0) state.byName.delete(name);
    }
  }

  /**
   * Room for one more series at the cap, or false to drop the new one. /federate sends series sorted by name, the same
   * every round, so evicting whatever is least recent would thrash: each sample would evict the next and no series would
   * keep two points. So a histogram bucket series only replaces a series no longer scraped; any other series (memory,
   * kube-state, BEAM: what the OOM rules read) replaces the least recent bucket series, else the least recent series
   * this scrape did not update.
   */
  #makeRoom(state: PodState, name: string, t: number): boolean {
    const bucket = isBucket(name);
    if (bucket && state.fullAt === t) return false; // this scrape already found no room: don't scan again per sample
    if (state.prunedAt < t) this.#pruneStaleSeries(state, t);
    if (state.count < this.options.maxSeriesPerPod) return true;
    const victim = bucket
      ? leastRecent(state, () => true, (x) => x.last.t < t - this.options.stalenessMs)
      : (leastRecent(state, isBucket, () => true) ?? leastRecent(state, () => true, (x) => x.last.t < t));
    if (!victim) {
      if (bucket) state.fullAt = t;
      return false;
    }
    victim.byKey.delete(victim.key);
    state.count--;
    return true;
  }

  #evictPods(): void {
    for (const [pod, s] of this.#pods) if (s.lastSeen < this.#clock - this.options.windowMs) this.#pods.delete(pod);
    while (this.#pods.size > this.options.maxPods) {
      let victim: [string, number] | undefined;
      for (const [pod, s] of this.#pods) if (!victim || s.lastSeen < victim[1]) victim = [pod, s.lastSeen];
      this.#pods.delete(victim![0]);
    }
  }
}

/** The least recently updated series of the pod among names `ofName`, if it passes `may`. */
function leastRecent(state: PodState, ofName: (name: string) => boolean, may: (s: StoredSeries) => boolean): { byKey: Map<string, StoredSeries>; key: string } | undefined {
  let victim: { byKey: Map<string, StoredSeries>; key: string; s: StoredSeries } | undefined;
  for (const [name, byKey] of state.byName) {
    if (!ofName(name)) continue;
    for (const [key, x] of byKey) if (!victim || x.last.t < victim.s.last.t) victim = { byKey, key, s: x };
  }
  return victim && may(victim.s) ? victim : undefined;
}
