import type { Finding } from '../types.ts';
import type { History } from '../history/index.ts';
import { appMatch, finding, growth, round, sparkline, type Trend } from './common.ts';
import { HINTS } from './hints.ts';
import { beamQuery } from './promql.ts';
import type { EvalContext } from './types.ts';

/** `run-queue-climb`: total, CPU or IO run queue climbing and already long; one finding naming the queues. */
export function runQueueClimb(history: History, ctx: EvalContext, pod: string): Finding[] {
  const t = ctx.thresholds;
  const app = appMatch(history, ctx, pod);
  const queues: [string, string][] = [
    ['total', ctx.names.runQueueTotal],
    ['cpu', ctx.names.runQueueCpu],
    ['io', ctx.names.runQueueIo],
  ];
  const climbing: { queue: string; metric: string; g: Trend }[] = [];
  for (const [queue, metric] of queues) {
    const g = growth(history, ctx, pod, metric, app);
    if (g.enough && g.perMinute >= t.runQueueClimbPerMin && g.level >= t.runQueueMinLevel) climbing.push({ queue, metric, g });
  }
  if (climbing.length === 0) return [];
  const first = climbing[0]!;
  return [
    finding(ctx, pod, {
      rule: 'run-queue-climb',
      severity: 'warning',
      summary: `run queue climbing: ${climbing.map((c) => `${c.queue} ${Math.round(c.g.level)} (+${c.g.perMinute.toFixed(1)}/min)`).join(', ')}`,
      evidence: Object.fromEntries(
        climbing.flatMap((c) => [
          [`${c.queue}Length`, round(c.g.level, 1)],
          [`${c.queue}PerMinute`, round(c.g.perMinute, 2)],
        ]),
      ),
      hint: HINTS.processes,
      promql: climbing.map((c) => beamQuery(ctx, pod, c.metric)).join('\n'),
      series: sparkline(first.g.points, ctx),
    }),
  ];
}
