import type { Config } from '../config/schema.ts';
import type { Logger } from '../platform/logger.ts';
import { createBuiltinCheckRunner } from './builtin-checks.ts';
import type { CheckRunner } from './check-runner.ts';
import type { SecretResolver } from './http-checks.ts';
import type { ResolvedTarget } from './probe-round.ts';

/**
 * Every check runner of a probe round, for all three runtimes (`run`, `check`, the probe Lambda): the built-in Codex
 * Pooler checks, and the synthetic HTTP checks when any are configured. Those are loaded only then: the TLS
 * inspection behind them would otherwise cost every Lambda cold start. `preflight` resolves every check secret now,
 * so a missing one fails at start-up naming its reference (locally); on AWS it stays a failed check per round.
 */
export async function createCheckRunners(
  config: Pick<Config, 'checks' | 'builtinChecks' | 'metricNames' | 'selectors'>,
  targets: ResolvedTarget[],
  deps: { resolveSecret: SecretResolver; logger?: Logger; preflight?: boolean },
): Promise<CheckRunner[]> {
  const runners: CheckRunner[] = [createBuiltinCheckRunner(targets, config)];
  if (config.checks.length === 0) return runners;
  const { createHttpCheckRunner, preflightHttpChecks } = await import('./http-checks.ts');
  if (deps.preflight) await preflightHttpChecks(config.checks, deps.resolveSecret);
  runners.push(createHttpCheckRunner(config.checks, { resolveSecret: deps.resolveSecret, ...(deps.logger ? { logger: deps.logger } : {}) }));
  return runners;
}
