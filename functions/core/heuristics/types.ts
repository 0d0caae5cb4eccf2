import type { MetricNames, RunbookSelectors } from '../../config/metric-names.ts';
import type { Finding } from '../types.ts';
import type { History } from '../history/index.ts';
import type { Thresholds } from './thresholds.ts';

/** What every rule reads besides the history: injected time, names, selectors, thresholds. */
export interface EvalContext {
  /** Evaluation time, ms since the epoch. */
  now: number;
  names: MetricNames;
  selectors: RunbookSelectors;
  thresholds: Thresholds;
  /** pod → name of the target it was scraped through; a pod missing here is its own target. */
  targets: Record<string, string>;
}

/** Per-pod state carried between evaluations (plain JSON). */
export interface PodMemo {
  /** Restart counter value at the previous evaluation. */
  restartCount?: number;
  /** Time of the latest restart seen (a restart counter increase), kept past the history window. */
  restartAt?: number;
  /** When the current time-to-oom episode was first predicted. */
  predictedAt?: number;
  /** The latest evaluation at which time-to-oom was active; an episode ends after a gap without one. */
  lastPredictedAt?: number;
  /** Minutes to OOM at the first prediction of the episode. */
  predictedMinutes?: number;
  /** The latest OOM kill and how long before it time-to-oom first predicted it (absent: not predicted). */
  kill?: { at: number; leadMs?: number };
}

/** State carried between evaluations, serialisable with JSON.stringify. */
export interface HeuristicsMemo {
  version: 1;
  pods: Record<string, PodMemo>;
}

/** A rule without memory: history + context + pod → the findings active now. */
export type Rule = (history: History, ctx: EvalContext, pod: string) => Finding[];

/** A rule that reads and updates its pod's memo. */
export type MemoRule = (history: History, ctx: EvalContext, pod: string, memo: PodMemo) => { findings: Finding[]; memo: PodMemo };
