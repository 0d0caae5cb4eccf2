import { describe, expect, it } from 'vitest';
import { Config } from '../../functions/config/schema.ts';
import { emptyGrouperState, type GrouperState } from '../../functions/core/routing/index.ts';
import { createSanitizer } from '../../functions/core/sanitize/index.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import type { DeliveryJob } from '../../functions/platform/delivery/index.ts';
import { buildWatcher } from '../../functions/runtime/build-watcher.ts';
import { planProbeJobs } from '../../functions/runtime/plan-jobs.ts';
import { federateSnapshot, GiB, healthy } from '../core/heuristics/builders.ts';

/**
 * Kubernetes rollouts replace every pod with a new name. A pod gone from the federate scrape stays in the History for
 * `podStaleMinutes`, and the rules still judge it; its findings must keep naming the target it came from (the
 * History remembers it), which scrapes fine every round, so its alerts resolve. Named after the pod instead, they
 * would never be evaluated again: alert states and firing groups would grow by one per rule and replaced pod.
 */
const INTERVAL = 60_000;
const PODS = 10;
const ROLLOUTS = 12; // one every 2 h: a day
const ROLLOUT_MS = 2 * 3_600_000;
const T_START = Date.UTC(2026, 10, 24, 0, 0, 0);
const hot = healthy({ workingSet: 0.9 * GiB, rss: 0.9 * GiB }); // memory-pressure warning on every pod

function simulate(onRound: (t: number, watcher: ReturnType<typeof buildWatcher>, transitions: ReturnType<ReturnType<typeof buildWatcher>['observe']>['transitions']) => void, config: Config) {
  const watcher = buildWatcher(config);
  let t = T_START;
  for (let r = 0; r < ROLLOUTS; r++) {
    const pods = Object.fromEntries(Array.from({ length: PODS }, (_, i) => [`app-${r}-${i}`, { values: hot }]));
    const end = t + ROLLOUT_MS;
    for (; t < end; t += INTERVAL) {
      const { transitions } = watcher.observe({ now: t, snapshots: [federateSnapshot(t, pods, 'prometheus')], scrapeFailures: [] });
      onRound(t, watcher, transitions);
    }
  }
  return watcher;
}

const target = [{ name: 'prometheus', kind: 'federate', url: 'http://127.0.0.1:9090/federate' }];

describe('alert states of pods replaced by a rollout', () => {
  it('stay bounded over a day of rollouts', () => {
    const config = Config.parse({ targets: target, alerting: { forEvaluations: 2, for: '0s', resolveAfterEvaluations: 2 } });
    const watcher = simulate(() => undefined, config);
    const alerts = Object.values(watcher.dump().alerts);
    const orphaned = alerts.filter((a) => (a.status === 'pending' || a.status === 'firing') && a.target === a.pod);
    // Only the current generation of pods can have live alerts.
    expect({ orphaned: orphaned.length, examples: orphaned.slice(0, 3).map((a) => `${a.rule} ${a.pod} ${a.status}`) }).toEqual({ orphaned: 0, examples: [] });
    expect(alerts.length).toBeLessThanOrEqual(PODS * 4);
  });

  it('leave no firing group behind per replaced pod', () => {
    const config = Config.parse({
      targets: target,
      alerting: { forEvaluations: 2, for: '0s', resolveAfterEvaluations: 2 },
      receivers: [{ name: 'chat', channel: { type: 'console' } }],
      routing: { route: { receiver: 'chat' } },
    });
    const logger = createLogger({ stream: { write: () => true }, level: 'error' });
    const sanitize = createSanitizer({ secrets: [] });
    let grouper: GrouperState = emptyGrouperState();
    const jobs: DeliveryJob[] = [];
    simulate((now, watcher, transitions) => {
      const planned = planProbeJobs({ config, grouper, transitions, lookup: (fp) => watcher.alert(fp), sanitize, now, logger });
      grouper = planned.grouper;
      watcher.acknowledge(transitions, now);
      jobs.push(...planned.jobs);
    }, config);
    const firingInGroups = grouper.groups.flatMap((g) => g.alerts.filter((e) => e.alert.status === 'firing').map((e) => e.alert.labels));
    const deadPods = firingInGroups.filter((l) => !l.pod!.startsWith(`app-${ROLLOUTS - 1}-`));
    expect({ groups: grouper.groups.length, firingForDeadPods: deadPods.length }).toEqual({ groups: PODS, firingForDeadPods: 0 });
  });
});
