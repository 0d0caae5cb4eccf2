import type { Config } from '../config/schema.ts';
import { DEFAULT_RETAIN_MS } from '../core/alerts/index.ts';
import { resolveThresholds } from '../core/heuristics/thresholds.ts';
import { longestHold } from '../core/routing/schema.ts';
import { Watcher, type WatchState } from '../core/watcher.ts';
import { resolveSecret } from '../platform/secrets.ts';
import type { ResolvedTarget } from './probe-round.ts';

/** The watcher a config describes; one place so run, check, replay and the probe Lambda evaluate identically. */
export function buildWatcher(config: Pick<Config, 'metricNames' | 'selectors' | 'thresholds' | 'alerting' | 'routing'>, state?: WatchState): Watcher {
  return new Watcher(
    {
      names: config.metricNames,
      selectors: config.selectors,
      thresholds: resolveThresholds(config.thresholds),
      policy: config.alerting,
      // A resolve the grouper holds back (groupWait, groupInterval) is rendered from this state: keep it that long.
      retainMs: Math.max(DEFAULT_RETAIN_MS, longestHold(config.routing) + 10 * 60_000),
    },
    state,
  );
}

/** The names alerts of a config can carry as their target: its targets' and its checks'. */
export function configuredNames(config: Pick<Config, 'targets' | 'checks'>): string[] {
  return [...config.targets.map((t) => t.name), ...config.checks.map((c) => c.name)];
}

/** Resolves every target's token once at start-up; a missing secret fails fast with its reference, never a value. */
export async function resolveTargets(config: Config, env: NodeJS.ProcessEnv = process.env): Promise<ResolvedTarget[]> {
  return Promise.all(
    config.targets.map(async (target) => ({
      target,
      token: target.token ? await resolveSecret(target.token, env) : undefined,
    })),
  );
}
