import type { MetricNames } from '../../config/metric-names.ts';
import { HINTS } from '../heuristics/hints.ts';
import {
  beamQuery,
  lastReasonQuery,
  memoryRatioQuery,
  nonBeamQuery,
  quantileQuery,
  rateQuery,
  restartsQuery,
  sumRateQuery,
  timeToLimitQuery,
  workingSetQuery,
} from '../heuristics/promql.ts';
import type { EvalContext } from '../heuristics/types.ts';
import type { RuleId } from './rules.ts';

/** What the promql builders read: names, selectors and the windows from the thresholds. */
export type SignalContext = Pick<EvalContext, 'names' | 'selectors' | 'thresholds'>;

/** The runbook's next step for a rule, and the PromQL that shows its signal for one pod. */
export interface Signal {
  hint: string;
  promql: (ctx: EvalContext, pod: string) => string;
}

const SCRAPE_HINT =
  'check that the pod is running and its metrics endpoint is reachable from Prometheus; a pod that just died may have been OOM-killed: check its last terminated reason';

const ADMISSION_BY = ['route_class', 'transport'];

const restarts = (ctx: EvalContext, pod: string): string =>
  `${restartsQuery(ctx, pod, ctx.thresholds.restartWindowMinutes)}\n\n${lastReasonQuery(ctx, pod)}`;

const countRatio = (count: keyof MetricNames, limit: keyof MetricNames) => (ctx: EvalContext, pod: string) =>
  `${beamQuery(ctx, pod, ctx.names[count])}\n\n${beamQuery(ctx, pod, ctx.names[count])} / ${beamQuery(ctx, pod, ctx.names[limit])}`;

/**
 * Per rule, the same hint and PromQL the probe's heuristics attach to their findings (core/heuristics/*), so an
 * operator reads the same next step whether the alert came from our probe or from their Alertmanager.
 */
export const SIGNALS: Readonly<Record<RuleId, Signal>> = {
  'memory-pressure': { hint: HINTS.memory, promql: (c, p) => memoryRatioQuery(c, p) },
  // RSS, as the shipped CodexPoolerTimeToOOM rule projects (infra/prometheus/codex-pooler-rules.yaml).
  'time-to-oom': { hint: HINTS.memory, promql: (c, p) => timeToLimitQuery(c, p, c.names.rss, c.thresholds.ttoRangeMinutes) },
  'non-beam-growth': { hint: HINTS.nonBeam, promql: (c, p) => nonBeamQuery(c, p) },
  'binary-growth': { hint: HINTS.binary, promql: (c, p) => `${beamQuery(c, p, c.names.beamBinary)}\n\n${workingSetQuery(c, p)}` },
  'ets-growth': { hint: HINTS.ets, promql: (c, p) => beamQuery(c, p, c.names.beamEts) },
  'process-heap-growth': { hint: HINTS.processHeap, promql: (c, p) => beamQuery(c, p, c.names.beamProcesses) },
  'process-count-climb': { hint: HINTS.processes, promql: countRatio('processCount', 'processLimit') },
  'port-count-climb': { hint: HINTS.processes, promql: countRatio('portCount', 'portLimit') },
  'run-queue-climb': {
    hint: HINTS.processes,
    promql: (c, p) => [c.names.runQueueTotal, c.names.runQueueCpu, c.names.runQueueIo].map((m) => beamQuery(c, p, m)).join('\n'),
  },
  'atom-table': { hint: HINTS.atoms, promql: (c, p) => `${beamQuery(c, p, c.names.atomCount)}\n\n${beamQuery(c, p, c.names.atomLimit)}` },
  'stream-buffer': {
    hint: HINTS.binary,
    promql: (c, p) =>
      `${rateQuery(c, p, c.names.streamBufferOversized, c.thresholds.rateWindowMinutes)}\n${rateQuery(c, p, c.names.streamBufferTruncated, c.thresholds.rateWindowMinutes)}`,
  },
  'admission-rejections': {
    hint: HINTS.admission,
    promql: (c, p) =>
      [c.names.admissionRejected, c.names.admissionTimedOut, c.names.admissionEnqueued]
        .map((m) => sumRateQuery(c, p, m, c.thresholds.rateWindowMinutes, ADMISSION_BY))
        .join('\n\n'),
  },
  'admission-queue-p95': {
    hint: HINTS.admission,
    promql: (c, p) => quantileQuery(c, p, c.names.admissionQueueTime, c.thresholds.rateWindowMinutes, ADMISSION_BY),
  },
  'http-5xx-ratio': {
    hint: HINTS.http,
    promql: (c, p) => sumRateQuery(c, p, c.names.httpRequests, c.thresholds.rateWindowMinutes, ['method', 'status_class']),
  },
  'http-latency-p95': { hint: HINTS.http, promql: (c, p) => quantileQuery(c, p, c.names.httpDuration, c.thresholds.rateWindowMinutes, []) },
  'db-queue-p95': { hint: HINTS.db, promql: (c, p) => quantileQuery(c, p, c.names.repoQueueTime, c.thresholds.rateWindowMinutes, ['pod']) },
  'db-unknown-source': {
    hint: HINTS.dbUnknown,
    promql: (c, p) => sumRateQuery(c, p, c.names.repoQueries, c.thresholds.rateWindowMinutes, ['pod', 'command'], [['source', 'unknown']]),
  },
  'sampler-snapshot': {
    hint: HINTS.sampler,
    promql: (c, p) => `${beamQuery(c, p, c.names.beamTotal)}\n\n${memoryRatioQuery(c, p, c.names.cgroupUsage)}`,
  },
  restarts: { hint: HINTS.restarts, promql: restarts },
  'oom-killed': { hint: HINTS.oomKilled, promql: restarts },
  'scrape-failed': { hint: SCRAPE_HINT, promql: (c, p) => beamQuery(c, p, 'up') },
};

/** Stands in for an unknown pod while the PromQL is built, then becomes `pod=~".+"`; stripped from real pod names. */
const ANY_POD = '\u0000';
const ANY_POD_SELECTOR = `pod="${ANY_POD}"`;

/**
 * The PromQL for a rule, filled with the pod; without a pod the selector becomes `pod=~".+"` (all pods) rather
 * than a filter that matches nothing.
 */
export function signalQuery(rule: RuleId, ctx: SignalContext, pod: string | undefined): string {
  const full: EvalContext = { ...ctx, now: 0, targets: {} };
  const safePod = pod === undefined ? ANY_POD : pod.split(ANY_POD).join('');
  const query = SIGNALS[rule].promql(full, safePod);
  return pod === undefined ? query.split(ANY_POD_SELECTOR).join('pod=~".+"') : query;
}
