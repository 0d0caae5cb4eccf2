/**
 * The built-in Codex Pooler checks, pure: expected families on a pod's /metrics, metrics auth, and the trends of
 * the scrape's own cost. The runtime (runtime/builtin-checks.ts) feeds them scrapes, probe results and a window.
 */
export { expectedFamilies, FAMILIES_MISSING_RULE, FAMILIES_HINTS, type FamiliesInput } from './codex-families.ts';
export { authVerdict, metricsAuthOff, METRICS_AUTH_OFF_RULE, AUTH_HINTS, type AuthInput, type AuthProbeResult, type AuthVerdict } from './codex-auth.ts';
export {
  scrapeTrends,
  scrapeSlow,
  expositionLarge,
  expositionGrowth,
  cleanSeries,
  sinceLastDrop,
  SCRAPE_SLOW_RULE,
  EXPOSITION_LARGE_RULE,
  EXPOSITION_GROWTH_RULE,
  TREND_HINTS,
  type TrendInput,
  type TrendThresholds,
} from './codex-trends.ts';
export type { CheckTarget } from './codex-common.ts';
