import type { Finding } from '../types.ts';
import type { History } from '../history/index.ts';
import { admissionQueueP95, admissionRejections } from './admission.ts';
import { atomTable } from './atom-table.ts';
import { etsGrowth, processHeapGrowth } from './beam-area-growth.ts';
import { binaryGrowth } from './binary-growth.ts';
import { MINUTE } from './common.ts';
import { portCountClimb, processCountClimb } from './count-climb.ts';
import { dbQueueP95, dbUnknownSource } from './db.ts';
import { http5xxRatio, httpLatencyP95 } from './http.ts';
import { memoryPressure } from './memory-pressure.ts';
import { nonBeamGrowth } from './non-beam-growth.ts';
import { restartRules } from './restarts.ts';
import { runQueueClimb } from './run-queue.ts';
import { samplerSnapshot } from './sampler-snapshot.ts';
import { streamBuffer } from './stream-buffer.ts';
import { timeToOom } from './time-to-oom.ts';
import type { EvalContext, HeuristicsMemo, MemoRule, PodMemo, Rule } from './types.ts';

export type { EvalContext, HeuristicsMemo, PodMemo, Rule, MemoRule } from './types.ts';
export { Thresholds, defaultThresholds, resolveThresholds } from './thresholds.ts';

/** Rules that carry memo, in order: restarts first, so time-to-oom sees a restart before judging its grace. */
const MEMO_RULES: readonly MemoRule[] = [restartRules, timeToOom];

/** Stateless rules; each returns the findings active now for one pod. */
export const RULES: readonly Rule[] = [
  memoryPressure,
  nonBeamGrowth,
  binaryGrowth,
  etsGrowth,
  processHeapGrowth,
  processCountClimb,
  portCountClimb,
  runQueueClimb,
  atomTable,
  streamBuffer,
  admissionRejections,
  admissionQueueP95,
  http5xxRatio,
  httpLatencyP95,
  dbQueueP95,
  dbUnknownSource,
  samplerSnapshot,
];

export function emptyMemo(): HeuristicsMemo {
  return { version: 1, pods: {} };
}

/**
 * Runs every rule for every pod seen recently. Pure: same history, context and memo give the same output.
 * The returned memo holds only pods the history still knows, so it stays as bounded as the history.
 */
export function evaluate(history: History, ctx: EvalContext, memo: HeuristicsMemo): { findings: Finding[]; memo: HeuristicsMemo } {
  const findings: Finding[] = [];
  const pods: Record<string, PodMemo> = {};
  for (const pod of history.pods()) {
    let podMemo: PodMemo = { ...(memo.pods[pod] ?? {}) };
    const info = history.podInfo(pod);
    if (info && ctx.now - info.lastSeen <= ctx.thresholds.podStaleMinutes * MINUTE) {
      for (const rule of MEMO_RULES) {
        const r = rule(history, ctx, pod, podMemo);
        findings.push(...r.findings);
        podMemo = r.memo;
      }
      for (const rule of RULES) findings.push(...rule(history, ctx, pod));
    }
    if (Object.keys(podMemo).length > 0) pods[pod] = podMemo;
  }
  return { findings, memo: { version: 1, pods } };
}
