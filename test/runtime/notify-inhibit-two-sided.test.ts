import { describe, expect, it } from 'vitest';
import { findInhibitor, RoutingConfig, type RoutableAlert } from '../../functions/core/routing/index.ts';
import type { AlertItem } from '../../functions/core/render/types.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import { planExternalJobs } from '../../functions/runtime/plan-jobs.ts';

/**
 * Alertmanager (inhibit.go, `hasEqual(lset, r.SourceMatchers.Matches(lset))`): when the target alert itself matches
 * the rule's source matchers, sources that also match the target matchers are skipped, so two alerts that both match
 * both sides never mute each other: two warning `oom-killed` alerts of one pod (KubePodOOMKilled and
 * KubeContainerOOMKilled) both notify under `inhibitRules: default` ("a warning-level oom-killed still notifies").
 */
const routing = RoutingConfig.parse({ route: { receiver: 'chat' }, inhibitRules: 'default' });
const logger = createLogger({ stream: { write: () => true }, level: 'error' });

function oom(fp: string, alertname: string): { routable: RoutableAlert; item: AlertItem } {
  const labels = { alertname, rule: 'oom-killed', pod: 'app-0', target: 'alertmanager/pw', severity: 'warning', status: 'firing', source: 'alertmanager' };
  const item = {
    fingerprint: fp, status: 'firing', severity: 'warning', rule: 'oom-killed', pod: 'app-0', target: 'alertmanager/pw', source: 'alertmanager',
    title: `oom-killed on app-0`, summary: alertname, hint: '', promql: '', evidence: [], startsAt: '2026-11-26T10:00:00.000Z', links: [], labels,
  } as AlertItem;
  return { routable: { fingerprint: fp, status: 'firing', action: 'remind', severity: 'warning', labels }, item };
}

describe('inhibition: two alerts matching both sides of a rule', () => {
  it('findInhibitor: a warning oom-killed is not muted by another warning oom-killed of the same pod', () => {
    const a = oom('am-a', 'KubePodOOMKilled').routable.labels;
    const b = oom('am-b', 'KubeContainerOOMKilled').routable.labels;
    expect(findInhibitor(a, [a, b], routing.inhibitRules)).toBeUndefined();
    expect(findInhibitor(b, [a, b], routing.inhibitRules)).toBeUndefined();
  });

  it('planExternalJobs: two warning oom-killed alerts of one pod still notify', () => {
    const jobs = planExternalJobs(
      { key: 'k1', alerts: [oom('am-a', 'KubePodOOMKilled'), oom('am-b', 'KubeContainerOOMKilled')] },
      { routing, receivers: [{ name: 'chat', sendResolved: true }] },
      Date.parse('2026-11-26T10:00:00Z'),
      logger,
    );
    expect(jobs.flatMap((j) => j.notification.alerts.map((a) => a.fingerprint)).sort()).toEqual(['am-a', 'am-b']);
  });
});
