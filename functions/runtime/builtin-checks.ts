import type { Config } from '../config/schema.ts';
import { authVerdict, expectedFamilies, metricsAuthOff, scrapeTrends, type AuthProbeResult } from '../core/probes/codex-checks.ts';
import type { Finding } from '../core/types.ts';
import { probeMetricsAuth, type AuthProbeOptions } from '../platform/metrics-auth-probe.ts';
import { safeUrl } from '../platform/safe-url.ts';
import type { ScrapeFailed, ScrapeOk } from '../platform/scrape.ts';
import type { CheckMetric, CheckResults, CheckRound, CheckRunner } from './check-runner.ts';
import type { ResolvedTarget } from './probe-round.ts';
import { ScrapeCostWindow } from './scrape-cost-window.ts';

/** The part of the config the built-in checks read. */
export type BuiltinChecksConfig = Pick<Config, 'builtinChecks' | 'metricNames' | 'selectors'>;

/** Injectable edges, for tests. */
export interface BuiltinCheckDeps {
  probeAuth?: (url: string, opts: AuthProbeOptions) => Promise<AuthProbeResult>;
}

type Scrape = ScrapeOk | ScrapeFailed;

/** Fresh each time: callers may append to the arrays they get. */
const none = (): CheckResults => ({ findings: [], evaluated: [], metrics: [] });

const scrapedName = (s: Scrape): string => (s.ok ? s.snapshot.target : s.finding.target);

/**
 * The built-in Codex Pooler checks as a CheckRunner: expected families and the scrape's cost trends read the
 * round's scrapes; metrics auth sends one unauthenticated GET per `kind: metrics` target that has a token
 * (without a token the scrape itself was that request). A target absent from the round, or whose scrape failed, is
 * not evaluated, so its alerts stay as they are. Holds the scrape-cost window between rounds: build one runner per process.
 * Tokens are only checked for presence, so `config.targets.map((target) => ({ target }))` will do as `targets`.
 */
export function createBuiltinCheckRunner(targets: ResolvedTarget[], config: BuiltinChecksConfig, deps: BuiltinCheckDeps = {}): CheckRunner {
  const cfg = config.builtinChecks;
  const costs = new ScrapeCostWindow(cfg.scrapeTrends.window);
  const probe = deps.probeAuth ?? probeMetricsAuth;

  const checkTarget = async ({ target, token }: ResolvedTarget, scrape: Scrape | undefined, round: CheckRound): Promise<CheckResults> => {
    if (!scrape) return none();
    const findings: Finding[] = [];
    const metrics: CheckMetric[] = [];
    const check = { name: target.name, kind: target.kind };
    const push = (f: Finding | undefined): void => {
      if (f) findings.push(f);
    };

    if (scrape.ok) {
      if (cfg.scrapeTrends.enabled) {
        costs.add(target.name, round.ts, scrape.durationMs, scrape.bytes);
        findings.push(
          ...scrapeTrends({
            target: check,
            selectors: config.selectors,
            durationMs: costs.durationMs(target.name),
            bytes: costs.bytes(target.name),
            timeoutMs: target.timeout,
            maxBytes: target.maxBytes,
            now: round.ts,
            thresholds: cfg.scrapeTrends,
          }),
        );
      }
      if (cfg.families.enabled) {
        push(expectedFamilies({ snapshot: scrape.snapshot, expected: cfg.families.expected, names: config.metricNames, selectors: config.selectors, severity: cfg.families.severity }));
      }
    }

    let authJudged = false;
    const mode = cfg.metricsAuth.targets[target.name] ?? cfg.metricsAuth.mode;
    // Whether a token is configured is all these checks need of it: the value is never read here.
    const hasToken = token !== undefined || target.token !== undefined;
    if (target.kind === 'metrics' && mode !== 'off') {
      const result = await authResult(target, hasToken, scrape, round);
      if (result) {
        authJudged = true;
        const verdict = authVerdict(result);
        if (verdict !== 'unknown') metrics.push({ check: target.name, name: 'MetricsAuthOpen', value: verdict === 'open' ? 1 : 0, unit: 'Count' });
        if (mode === 'expect-protected') {
          push(metricsAuthOff({ target: check, url: safeUrl(target.url), tokenConfigured: hasToken, result, severity: cfg.metricsAuth.severity }));
        }
      }
    }
    // A failed scrape judged nothing (unless a tokenless 401 answered the auth question): the target's alerts stay.
    return { findings, evaluated: scrape.ok || authJudged ? [target.name] : [], metrics };
  };

  /**
   * Only asked when the authenticated scrape worked (or, tokenless, was refused): otherwise the endpoint is down or
   * broken, `scrape-failed` says so, and an unauthenticated request could tell us nothing about auth.
   */
  const authResult = async (target: ResolvedTarget['target'], hasToken: boolean, scrape: Scrape, round: CheckRound): Promise<AuthProbeResult | undefined> => {
    if (!hasToken) {
      if (scrape.ok) return { kind: 'status', status: scrape.status, exposition: true };
      return scrape.reason === 'unauthorized' && scrape.status !== undefined ? { kind: 'status', status: scrape.status, exposition: false } : undefined;
    }
    if (!scrape.ok) return undefined;
    return probe(target.url, { timeoutMs: Math.min(cfg.metricsAuth.timeout, target.timeout), ...(round.signal ? { signal: round.signal } : {}) });
  };

  return async (round) => {
    if (!cfg.enabled) return none();
    const byName = new Map(round.scrapes.map((s) => [scrapedName(s), s] as const));
    const results = await Promise.all(targets.map((t) => checkTarget(t, byName.get(t.target.name), round)));
    return {
      findings: results.flatMap((r) => r.findings),
      evaluated: results.flatMap((r) => r.evaluated),
      metrics: results.flatMap((r) => r.metrics),
    };
  };
}
