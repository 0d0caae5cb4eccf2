import type { Finding } from '../types.ts';
import type { History } from '../history/index.ts';
import { appMatch, finding, MINUTE, round } from './common.ts';
import { HINTS } from './hints.ts';
import { p95Above } from './p95.ts';
import { sumRateQuery } from './promql.ts';
import type { EvalContext } from './types.ts';

/** `db-queue-p95`: Ecto pool queue time p95 — requests waiting for a DB connection. */
export const dbQueueP95 = p95Above({
  rule: 'db-queue-p95',
  what: 'DB queue time',
  metric: 'repoQueueTime',
  threshold: 'dbQueueP95Seconds',
  hint: HINTS.db,
  by: ['pod'],
});

/** `db-unknown-source` (info): queries without a safe source, which hide hot queries from attribution. */
export function dbUnknownSource(history: History, ctx: EvalContext, pod: string): Finding[] {
  const t = ctx.thresholds;
  const byCommand = history.rateBy(pod, ctx.names.repoQueries, appMatch(history, ctx, pod, { source: 'unknown' }), t.rateWindowMinutes * MINUTE, ctx.now, ['command']);
  const total = byCommand.reduce((a, g) => a + g.value, 0);
  if (!(total > t.dbUnknownMinRate)) return [];
  const commands = byCommand
    .filter((g) => g.value > 0)
    .sort((a, b) => b.value - a.value)
    .map((g) => g.labels.command || '?');
  return [
    finding(ctx, pod, {
      rule: 'db-unknown-source',
      severity: 'info',
      summary: `${total.toFixed(2)} queries/s without a known source (${commands.join(', ')}) over ${t.rateWindowMinutes} min`,
      evidence: { perSec: round(total, 4), commands: commands.join(',') },
      hint: HINTS.dbUnknown,
      promql: sumRateQuery(ctx, pod, ctx.names.repoQueries, t.rateWindowMinutes, ['pod', 'command'], [['source', 'unknown']]),
    }),
  ];
}
