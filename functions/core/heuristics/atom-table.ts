import type { Finding, Severity } from '../types.ts';
import type { History } from '../history/index.ts';
import { appMatch, finding, fmtPct, recent, round, sparkline } from './common.ts';
import { HINTS } from './hints.ts';
import { beamQuery } from './promql.ts';
import type { EvalContext } from './types.ts';

/** `atom-table`: atom count against the atom limit (the VM aborts when it is full; atoms are never collected). */
export function atomTable(history: History, ctx: EvalContext, pod: string): Finding[] {
  const t = ctx.thresholds;
  const app = appMatch(history, ctx, pod);
  const count = history.latest(pod, ctx.names.atomCount, app);
  if (count === undefined || !Number.isFinite(count)) return [];
  const exposed = history.latest(pod, ctx.names.atomLimit, app);
  const limit = exposed !== undefined && Number.isFinite(exposed) && exposed > 0 ? exposed : t.atomDefaultLimit;
  const ratio = count / limit;
  const severity: Severity | undefined = ratio >= t.atomCritRatio ? 'critical' : ratio >= t.atomWarnRatio ? 'warning' : undefined;
  if (!severity) return [];
  return [
    finding(ctx, pod, {
      rule: 'atom-table',
      severity,
      summary: `atom table ${fmtPct(ratio)} full: ${Math.round(count)} of ${Math.round(limit)} atoms`,
      evidence: { atoms: count, limit, ratio: round(ratio), limitExposed: exposed !== undefined ? 'yes' : 'no' },
      hint: HINTS.atoms,
      promql: `${beamQuery(ctx, pod, ctx.names.atomCount)}\n\n${beamQuery(ctx, pod, ctx.names.atomLimit)}`,
      series: sparkline(recent(history, ctx, pod, ctx.names.atomCount, app, t.growthRangeMinutes), ctx),
    }),
  ];
}
