import type { AlertPolicy } from '../config/schema.ts';
import type { MetricNames, RunbookSelectors } from '../config/metric-names.ts';
import { History, type HistoryDump } from './history/index.ts';
import { evaluate, emptyMemo, type HeuristicsMemo } from './heuristics/index.ts';
import type { Thresholds } from './heuristics/thresholds.ts';
import { markNotified, step, type AlertState, type Transition } from './alerts/index.ts';
import type { Finding, Snapshot } from './types.ts';

/** Everything the watcher remembers between rounds; plain JSON so any StateStore can hold it. */
export interface WatchState {
  version: number;
  history: HistoryDump;
  memo: HeuristicsMemo;
  alerts: Record<string, AlertState>;
}

export interface WatcherOptions {
  names: MetricNames;
  selectors: RunbookSelectors;
  thresholds: Thresholds;
  policy: AlertPolicy;
  /** History window; must cover the longest rule range (30 min slopes, 15 min restarts) with room to spare. */
  windowMs?: number;
  /** How long a resolved or inactive alert's state is kept; default `DEFAULT_RETAIN_MS` (step.ts). */
  retainMs?: number;
}

/** One round's input: what was scraped, and the findings of the scrapes that failed. */
export interface RoundInput {
  now: number;
  snapshots: Snapshot[];
  scrapeFailures: Finding[];
  /**
   * Findings of synthetic checks and other probes beside the scrape. `evaluated` names every pod (or target) they
   * covered this round, so a check that passes again resolves its alert; a check not run leaves its alert alone.
   */
  checks?: { findings: Finding[]; evaluated: string[] };
}

export interface RoundResult {
  findings: Finding[];
  transitions: Transition[];
}

/**
 * The probe's brain, pure: ingest snapshots, evaluate the heuristics, fold findings into alert state.
 * The runtimes (CLI loop, replay, Lambda) only scrape, persist and deliver around it.
 */
export class Watcher {
  #history: History;
  #memo: HeuristicsMemo;
  #alerts: Record<string, AlertState>;
  #version: number;
  /** Targets and checks no longer configured: evaluated every round with no findings, so their alerts resolve. */
  #retired = new Set<string>();

  constructor(
    private readonly opts: WatcherOptions,
    state?: WatchState,
  ) {
    const historyOpts = { windowMs: opts.windowMs ?? 2 * 3_600_000, names: opts.names };
    this.#history = state ? History.load(state.history, historyOpts) : new History(historyOpts);
    this.#memo = state?.memo ?? emptyMemo();
    this.#alerts = state?.alerts ?? {};
    this.#version = state?.version ?? 0;
  }

  observe(input: RoundInput): RoundResult {
    const targets: Record<string, string> = {};
    const evaluatedPods = new Set<string>();
    for (const snapshot of input.snapshots) {
      this.#history.ingest(snapshot);
      for (const pod of podsOf(snapshot)) {
        targets[pod] = snapshot.target;
        evaluatedPods.add(pod);
      }
    }
    // A pod gone from this round's scrape (a rollout replaced it) is still judged until it is stale: its findings name
    // the target it came from, which scraped fine, so its alerts resolve instead of living on under a target never seen.
    for (const pod of this.#history.pods()) targets[pod] ??= this.#history.podInfo(pod)?.target ?? pod;
    const { findings, memo } = evaluate(
      this.#history,
      { now: input.now, names: this.opts.names, selectors: this.opts.selectors, thresholds: this.opts.thresholds, targets },
      this.#memo,
    );
    this.#memo = memo;
    // A target that scraped fine has no scrape-failed finding, which is what resolves its earlier one.
    for (const snapshot of input.snapshots) evaluatedPods.add(snapshot.target);
    for (const name of input.checks?.evaluated ?? []) evaluatedPods.add(name);
    for (const name of this.#retired) evaluatedPods.add(name);
    const all = [...findings, ...input.scrapeFailures, ...(input.checks?.findings ?? [])];
    const { states, transitions } = step(this.#alerts, all, this.opts.policy, input.now, { evaluatedPods, ...(this.opts.retainMs === undefined ? {} : { retainFor: this.opts.retainMs }) });
    this.#alerts = states;
    this.#version += 1;
    // info is recorded only: it is never notified, so it is never reminded either.
    return { findings: all, transitions: transitions.filter((t) => !(t.action === 'remind' && t.state.severity === 'info')) };
  }

  /**
   * Names every target and check the config still has. Alerts of any other (a target or check removed from the config,
   * state from before the change) resolve through the usual hysteresis instead of reminding forever: what Prometheus
   * does when a rule goes away. Returns the names retired.
   */
  retireAllBut(configured: Iterable<string>): string[] {
    const keep = new Set(configured);
    for (const a of Object.values(this.#alerts)) if (!keep.has(a.target)) this.#retired.add(a.target);
    return [...this.#retired].sort();
  }

  /**
   * Records that these transitions reached their receivers, so reminders count from now. Called by the runtime
   * only after a successful send: a failed one is retried at the next evaluation instead of being forgotten.
   */
  acknowledge(transitions: Transition[], now: number): void {
    for (const t of transitions) {
      const current = this.#alerts[t.state.fingerprint];
      if (current) this.#alerts[t.state.fingerprint] = markNotified(current, now);
    }
  }

  /** The state of one alert, for rendering its notification. */
  alert(fingerprint: string): AlertState | undefined {
    return this.#alerts[fingerprint];
  }

  /** Alerts currently firing, most severe first. */
  firing(): AlertState[] {
    const rank = { critical: 0, warning: 1, info: 2 } as const;
    return Object.values(this.#alerts)
      .filter((a) => a.status === 'firing')
      .sort((a, b) => rank[a.severity] - rank[b.severity]);
  }

  dump(): WatchState {
    return { version: this.#version, history: this.#history.dump(), memo: this.#memo, alerts: this.#alerts };
  }
}

/** Pods a snapshot speaks for: the target itself for an app /metrics, the `pod` labels for federate. */
export function podsOf(snapshot: Snapshot): string[] {
  if (snapshot.kind === 'metrics') return [snapshot.target];
  const pods = new Set<string>();
  for (const family of snapshot.families) {
    for (const sample of family.samples) {
      const pod = sample.labels.exported_pod ?? sample.labels.pod;
      if (pod) pods.add(pod);
    }
  }
  return [...pods];
}
