import type { Finding, Severity } from '../types.ts';
import type { History } from '../history/index.ts';
import { appMatch, currentLevel, finding, fmtPct, growth, round, sparkline } from './common.ts';
import { HINTS } from './hints.ts';
import { beamQuery } from './promql.ts';
import type { EvalContext } from './types.ts';

function countClimb(rule: string, what: string, countName: string, limitName: string, climbPerMin: number) {
  return (history: History, ctx: EvalContext, pod: string): Finding[] => {
    const t = ctx.thresholds;
    const app = appMatch(history, ctx, pod);
    const g = growth(history, ctx, pod, countName, app);
    const count = currentLevel(history, ctx, pod, countName, app);
    if (count === undefined) return [];
    const limit = history.latest(pod, limitName, app);
    const ratio = limit !== undefined && Number.isFinite(limit) && limit > 0 ? count / limit : undefined;
    const climbing = g.enough && g.perMinute >= climbPerMin;
    let severity: Severity | undefined = climbing ? 'warning' : undefined;
    if (ratio !== undefined && ratio >= t.headroomCritRatio) severity = 'critical';
    else if (ratio !== undefined && ratio >= t.headroomWarnRatio) severity = 'warning';
    if (!severity) return [];
    const parts = [`${Math.round(count)} ${what}`];
    if (climbing) parts.push(`climbing ${Math.round(g.perMinute)}/min over ${t.growthRangeMinutes} min`);
    if (ratio !== undefined) parts.push(`${fmtPct(ratio)} of the ${Math.round(limit!)} limit`);
    return [
      finding(ctx, pod, {
        rule,
        severity,
        summary: parts.join(', '),
        evidence: {
          count,
          ...(g.enough ? { perMinute: round(g.perMinute, 1) } : {}),
          ...(ratio !== undefined ? { limit: limit!, limitRatio: round(ratio) } : {}),
        },
        hint: HINTS.processes,
        promql: `${beamQuery(ctx, pod, countName)}\n\n${beamQuery(ctx, pod, countName)} / ${beamQuery(ctx, pod, limitName)}`,
        series: sparkline(g.points, ctx),
      }),
    ];
  };
}

/** `process-count-climb`: BEAM processes climbing, or close to the process limit. */
export function processCountClimb(history: History, ctx: EvalContext, pod: string): Finding[] {
  return countClimb('process-count-climb', 'processes', ctx.names.processCount, ctx.names.processLimit, ctx.thresholds.processClimbPerMin)(history, ctx, pod);
}

/** `port-count-climb`: BEAM ports (sockets, files) climbing, or close to the port limit. */
export function portCountClimb(history: History, ctx: EvalContext, pod: string): Finding[] {
  return countClimb('port-count-climb', 'ports', ctx.names.portCount, ctx.names.portLimit, ctx.thresholds.portClimbPerMin)(history, ctx, pod);
}
