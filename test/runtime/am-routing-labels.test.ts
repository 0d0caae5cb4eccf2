import { describe, expect, it } from 'vitest';
import { amPayload, localNotifier } from '../helpers/am-notifier.ts';

/**
 * Alertmanager alerts go through route matching, silences and inhibition like any other alert, on all their labels
 * (values redacted): kube-prometheus-stack shops route and silence on `team`, `env`, `owner`, which the allowlist of
 * labels that may leave the process does not hold.
 */
describe('Alertmanager alerts: routing sees the alert’s own labels', () => {
  const routing = {
    route: { receiver: 'chat', routes: [{ matchers: ['team="payments"'], receiver: 'payments-pager' }] },
    silences: [{ matchers: ['env="staging"'], endsAt: '2027-01-01T00:00:00Z', comment: 'staging noise' }],
  };
  const receivers = [
    { name: 'chat', channel: { type: 'console' } },
    { name: 'payments-pager', channel: { type: 'console' } },
  ];

  it('a route on `team` matches an alert labelled team=payments', async () => {
    const pw = await localNotifier({ receivers, routing });
    await pw.post(amPayload('{}:{alertname="KubePodCrashLooping"}', [{ fp: 'a', status: 'firing', labels: { alertname: 'KubePodCrashLooping', team: 'payments' } }]));
    await pw.deliver();
    expect(pw.sent.map((s) => s.receiver)).toEqual(['payments-pager']);
  });

  it('a silence on `env` mutes an alert labelled env=staging', async () => {
    const pw = await localNotifier({ receivers, routing });
    await pw.post(amPayload('{}:{alertname="KubePodCrashLooping"}', [{ fp: 'b', status: 'firing', labels: { alertname: 'KubePodCrashLooping', env: 'staging' } }]));
    await pw.deliver();
    expect(pw.sent).toEqual([]);
  });
});
