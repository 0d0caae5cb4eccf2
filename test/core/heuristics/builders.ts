import { defaultMetricNames, RunbookSelectors, type MetricNames } from '../../../functions/config/metric-names.ts';
import type { MetricFamily, MetricType, Sample } from '../../../functions/core/exposition/types.ts';
import type { Snapshot } from '../../../functions/core/types.ts';
import { History, type HistoryOptions } from '../../../functions/core/history/index.ts';
import { emptyMemo, evaluate, type EvalContext, type HeuristicsMemo } from '../../../functions/core/heuristics/index.ts';
import { resolveThresholds } from '../../../functions/core/heuristics/thresholds.ts';
import type { Finding } from '../../../functions/core/types.ts';

export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;
export const MIN = 60_000;
export const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);
export const names: MetricNames = defaultMetricNames;
export const selectors = RunbookSelectors.parse({});

type Key = keyof MetricNames;
const CADVISOR: readonly Key[] = ['workingSet', 'rss', 'cache', 'cgroupUsage', 'specLimit', 'containerStart'];
const KUBE: readonly Key[] = ['kubeLimit', 'restarts'];

/** Extra samples for one pod (counters with labels, histogram buckets): labels without pod/namespace/job. */
export interface ExtraSample {
  name: string;
  labels?: Record<string, string>;
  value: number;
}

/** A pod's values at one instant, by MetricNames key; the builder adds the label shapes the runbook describes. */
export interface PodState {
  values?: Partial<Record<Key, number>>;
  /** `kube_pod_container_status_last_terminated_reason{reason}` = 1. */
  lastReason?: string;
  extra?: ExtraSample[];
  /** Also emit the pod-level cgroup series (`image=""`, no container) with this working set, which must be ignored. */
  podCgroupWorkingSet?: number;
}

function typeOf(name: string): MetricType {
  return name.endsWith('_total') || (name.startsWith('codex_pooler_') && name.endsWith('_count')) ? 'counter' : 'gauge';
}

function labelsFor(key: Key, pod: string): Record<string, string> {
  if (CADVISOR.includes(key)) {
    return { namespace: 'codex-pooler', pod, container: 'app', image: 'ghcr.io/acme/codex-pooler:1.4.2', instance: '10.0.0.1:10250', job: 'kubelet' };
  }
  if (KUBE.includes(key) || key === 'lastTerminatedReason') {
    const base = { namespace: 'codex-pooler', pod, exported_container: 'app', container: 'kube-state-metrics', instance: '10.0.0.9:8080', job: 'kube-state-metrics' };
    return key === 'kubeLimit' ? { ...base, resource: 'memory', unit: 'byte' } : base;
  }
  return { namespace: 'codex-pooler', job: 'codex-pooler-app', pod, instance: `${pod}:4000` };
}

/** A Prometheus /federate scrape of several pods (each sample labelled with its pod). */
export function federateSnapshot(ts: number, pods: Record<string, PodState>, target = 'prometheus'): Snapshot {
  const byName = new Map<string, Sample[]>();
  const add = (name: string, labels: Record<string, string>, value: number) => {
    const list = byName.get(name) ?? [];
    list.push({ name, labels, value, timestamp: ts });
    byName.set(name, list);
  };
  for (const [pod, state] of Object.entries(pods)) {
    for (const [key, value] of Object.entries(state.values ?? {}) as [Key, number | undefined][]) {
      if (value !== undefined) add(names[key], labelsFor(key, pod), value);
    }
    if (state.lastReason) add(names.lastTerminatedReason, { ...labelsFor('lastTerminatedReason', pod), reason: state.lastReason }, 1);
    if (state.podCgroupWorkingSet !== undefined) {
      add(names.workingSet, { namespace: 'codex-pooler', pod, image: '', instance: '10.0.0.1:10250', job: 'kubelet' }, state.podCgroupWorkingSet);
    }
    for (const e of state.extra ?? []) add(e.name, { ...labelsFor('beamTotal', pod), ...e.labels }, e.value);
  }
  return { ts, target, kind: 'federate', families: families(byName) };
}

/** A pod's own /metrics scrape: app series only, no labels but their own (no pod, namespace, job). */
export function metricsSnapshot(ts: number, target: string, state: PodState): Snapshot {
  const byName = new Map<string, Sample[]>();
  for (const [key, value] of Object.entries(state.values ?? {}) as [Key, number | undefined][]) {
    if (value === undefined || CADVISOR.includes(key) || KUBE.includes(key)) continue;
    byName.set(names[key], [{ name: names[key], labels: {}, value }]);
  }
  for (const e of state.extra ?? []) {
    const list = byName.get(e.name) ?? [];
    list.push({ name: e.name, labels: e.labels ?? {}, value: e.value });
    byName.set(e.name, list);
  }
  return { ts, target, kind: 'metrics', families: families(byName) };
}

function families(byName: Map<string, Sample[]>): MetricFamily[] {
  return [...byName].map(([name, samples]) => ({ name, type: typeOf(name), samples }));
}

/** Cumulative `_bucket` samples of a histogram from per-bucket cumulative counts (`le` → count). */
export function buckets(family: string, cumulative: Record<string, number>, labels: Record<string, string> = {}): ExtraSample[] {
  return Object.entries(cumulative).map(([le, value]) => ({ name: `${family}_bucket`, labels: { ...labels, le }, value }));
}

/** Scrapes every `stepMs` from `start` for `steps` steps; `make` returns each snapshot (or several). */
export function feed(history: History, steps: number, make: (t: number, i: number) => Snapshot | Snapshot[], start = T0, stepMs = 30_000): number {
  let t = start;
  for (let i = 0; i < steps; i++) {
    t = start + i * stepMs;
    const s = make(t, i);
    for (const snap of Array.isArray(s) ? s : [s]) history.ingest(snap);
  }
  return t;
}

export function newHistory(opts: HistoryOptions = {}): History {
  return new History(opts);
}

export function context(now: number, thresholds: Record<string, number> = {}, targets: Record<string, string> = {}): EvalContext {
  return { now, names, selectors, thresholds: resolveThresholds(thresholds), targets };
}

/** Evaluates and returns the findings of one rule. */
export function run(history: History, now: number, rule: string, opts: { thresholds?: Record<string, number>; memo?: HeuristicsMemo } = {}): Finding[] {
  return evaluate(history, context(now, opts.thresholds), opts.memo ?? emptyMemo()).findings.filter((f) => f.rule === rule);
}

/** A healthy 1 GiB pod's values, to be overridden per test. */
export function healthy(overrides: Partial<Record<Key, number>> = {}): Partial<Record<Key, number>> {
  return {
    kubeLimit: GiB,
    specLimit: GiB,
    workingSet: 400 * MiB,
    rss: 350 * MiB,
    cache: 50 * MiB,
    cgroupUsage: 420 * MiB,
    containerStart: (T0 - 3 * 3_600_000) / 1000,
    restarts: 0,
    beamTotal: 300 * MiB,
    beamBinary: 40 * MiB,
    beamEts: 30 * MiB,
    beamProcesses: 100 * MiB,
    processCount: 2_000,
    processLimit: 262_144,
    portCount: 100,
    portLimit: 65_536,
    atomCount: 40_000,
    atomLimit: 1_048_576,
    runQueueTotal: 0,
    runQueueCpu: 0,
    runQueueIo: 0,
    ...overrides,
  };
}
