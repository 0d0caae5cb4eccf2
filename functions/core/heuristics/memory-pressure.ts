import type { Finding, Severity } from '../types.ts';
import type { History } from '../history/index.ts';
import { cgroupMatch, currentLevel, finding, fmtMiB, fmtPct, memoryLimit, recent, round, sparkline } from './common.ts';
import { HINTS } from './hints.ts';
import { memoryRatioQuery } from './promql.ts';
import type { EvalContext } from './types.ts';

/**
 * `memory-pressure`: working set against the limit, with the RSS/cache split. The kernel reclaims page cache
 * before it OOM-kills, so a working set inflated by cache (RSS below the warning level) is `info`, never a page.
 */
export function memoryPressure(history: History, ctx: EvalContext, pod: string): Finding[] {
  const t = ctx.thresholds;
  const limit = memoryLimit(history, ctx, pod);
  const match = cgroupMatch(ctx);
  const ws = currentLevel(history, ctx, pod, ctx.names.workingSet, match);
  if (limit === undefined || ws === undefined) return [];
  const ratio = ws / limit;
  if (ratio < t.memoryWarnRatio) return [];
  const rss = currentLevel(history, ctx, pod, ctx.names.rss, match);
  const cache = currentLevel(history, ctx, pod, ctx.names.cache, match);
  const rssRatio = rss === undefined ? undefined : rss / limit;
  const pageCacheHeavy = rssRatio !== undefined && rssRatio < t.memoryWarnRatio;
  let severity: Severity = ratio >= t.memoryCritRatio ? 'critical' : 'warning';
  if (pageCacheHeavy) severity = 'info';
  const split = rss === undefined ? '' : ` (RSS ${fmtMiB(rss)}${cache === undefined ? '' : `, cache ${fmtMiB(cache)}`})`;
  const summary = pageCacheHeavy
    ? `working set ${fmtMiB(ws)} is ${fmtPct(ratio)} of the ${fmtMiB(limit)} limit but RSS is only ${fmtPct(rssRatio)}: page-cache heavy, reclaimable${split}`
    : `working set ${fmtMiB(ws)} is ${fmtPct(ratio)} of the ${fmtMiB(limit)} limit${split}`;
  return [
    finding(ctx, pod, {
      rule: 'memory-pressure',
      severity,
      summary,
      evidence: {
        workingSetBytes: ws,
        limitBytes: limit,
        workingSetRatio: round(ratio),
        ...(rss !== undefined ? { rssBytes: rss, rssRatio: round(rssRatio!) } : {}),
        ...(cache !== undefined ? { cacheBytes: cache } : {}),
      },
      hint: pageCacheHeavy ? HINTS.pageCache : HINTS.memory,
      promql: memoryRatioQuery(ctx, pod),
      series: sparkline(recent(history, ctx, pod, ctx.names.workingSet, match, t.growthRangeMinutes), ctx),
    }),
  ];
}
