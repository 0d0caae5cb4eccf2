import { describe, expect, it } from 'vitest';
import { RoutingConfig, type RoutableAlert } from '../../functions/core/routing/index.ts';
import type { AlertItem } from '../../functions/core/render/types.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import { planExternalJobs } from '../../functions/runtime/plan-jobs.ts';

/**
 * Alertmanager alerts: a firing alert is forwarded (PagerDuty opens an incident), the operator then silences the pod
 * (maintenance), and the alert resolves. The resolve must still go out, or the incident stays open forever: as on the
 * probe path, a resolve is never muted.
 */
const logger = createLogger({ stream: { write: () => true }, level: 'error' });
const T = Date.parse('2026-11-26T10:00:00Z');

function am(status: 'firing' | 'resolved'): { routable: RoutableAlert; item: AlertItem } {
  const labels = { alertname: 'CodexPoolerMemoryPressure', rule: 'memory-pressure', pod: 'app-3', target: 'alertmanager/pw', severity: 'critical', status, source: 'alertmanager' };
  const item = {
    fingerprint: 'am-1', status, severity: 'critical', rule: 'memory-pressure', pod: 'app-3', target: 'alertmanager/pw', source: 'alertmanager',
    title: 'memory-pressure on app-3', summary: 'memory', hint: '', promql: '', evidence: [], startsAt: '2026-11-26T09:00:00.000Z', links: [], labels,
  } as AlertItem;
  return { routable: { fingerprint: 'am-1', status, action: status === 'firing' ? 'remind' : 'resolve', severity: 'critical', labels }, item };
}

describe('planExternalJobs: silences and resolves', () => {
  it('a resolve is delivered even when a silence added after the trigger matches it', () => {
    const receivers = [{ name: 'pager', sendResolved: true }];
    const before = RoutingConfig.parse({ route: { receiver: 'pager' } });
    const fired = planExternalJobs({ key: 'k1', alerts: [am('firing')] }, { routing: before, receivers }, T, logger);
    expect(fired.map((j) => j.notification.kind)).toEqual(['trigger']);

    const after = RoutingConfig.parse({
      route: { receiver: 'pager' },
      silences: [{ matchers: ['pod="app-3"'], endsAt: '2026-12-01T00:00:00Z', comment: 'node migration' }],
    });
    const resolved = planExternalJobs({ key: 'k2', alerts: [am('resolved')] }, { routing: after, receivers }, T + 3_600_000, logger);
    expect(resolved.map((j) => j.notification.kind)).toEqual(['resolve']);
  });
});
