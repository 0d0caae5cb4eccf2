import { Config } from '../../functions/config/schema.ts';
import type { Transition } from '../../functions/core/alerts/index.ts';
import { emptyGrouperState, type GrouperState } from '../../functions/core/routing/index.ts';
import { createSanitizer } from '../../functions/core/sanitize/index.ts';
import type { Finding, Severity } from '../../functions/core/types.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import type { DeliveryJob } from '../../functions/platform/delivery/index.ts';
import { buildWatcher } from '../../functions/runtime/build-watcher.ts';
import { planProbeJobs } from '../../functions/runtime/plan-jobs.ts';

export const S = 1_000;
export const M = 60 * S;
export const H = 60 * M;
export const T0 = Date.parse('2026-11-26T10:00:00Z');

const logger = createLogger({ stream: { write: () => true }, level: 'error' });

export function check(rule: string, pod: string, severity: Severity = 'critical', target = pod): Finding {
  return { rule, severity, pod, target, summary: `${rule} on ${pod}`, evidence: {}, hint: 'look', promql: '' };
}

/**
 * The local runtime's round, as afterRound does it: observe → planProbeJobs → (enqueue) → acknowledge.
 * Findings enter as check findings; `evaluated` names every pod of the round.
 */
export function pipeline(input: unknown) {
  const config = Config.parse(input);
  const watcher = buildWatcher(config);
  let grouper: GrouperState = emptyGrouperState();
  const sanitize = createSanitizer({ secrets: [] });
  const jobs: DeliveryJob[] = [];
  return {
    config,
    watcher,
    jobs,
    round(now: number, findings: Finding[], evaluated: string[]): { transitions: Transition[]; jobs: DeliveryJob[] } {
      const { transitions } = watcher.observe({ now, snapshots: [], scrapeFailures: [], checks: { findings, evaluated } });
      const planned = planProbeJobs({ config, grouper, transitions, lookup: (fp) => watcher.alert(fp), sanitize, now, logger });
      grouper = planned.grouper;
      watcher.acknowledge(transitions, now);
      jobs.push(...planned.jobs);
      return { transitions, jobs: planned.jobs };
    },
    get grouper() {
      return grouper;
    },
  };
}
