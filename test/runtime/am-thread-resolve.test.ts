import { describe, expect, it } from 'vitest';
import { amPayload, localNotifier, M, T0 } from '../helpers/am-notifier.ts';

/**
 * Slack with a bot token threads a resolve under the firing message, and Google Chat's `threadByAlert` keeps it in its
 * alert's thread; both thread by the notification's groupKey. For Alertmanager alerts that is the Alertmanager group
 * (`webhookGroup`), the same for its firing and its resolving notification, not the per-webhook idempotency key.
 */
describe('Alertmanager alerts: a resolve threads under its firing message', () => {
  it('the resolve of an Alertmanager group gets the firing message as `previous` and the same groupKey', async () => {
    const pw = await localNotifier({ receivers: [{ name: 'chat', channel: { type: 'console' } }], routing: { route: { receiver: 'chat' } } });
    const group = '{}/{severity="critical"}:{alertname="CodexPoolerBinaryMemoryGrowth"}';
    await pw.post(amPayload(group, [{ fp: 'a', status: 'firing' }]));
    await pw.deliver();
    pw.setNow(T0 + 30 * M);
    await pw.post(amPayload(group, [{ fp: 'a', status: 'resolved' }]));
    await pw.deliver();

    expect(pw.sent.map((s) => s.n.kind)).toEqual(['trigger', 'resolve']);
    const [fired, resolved] = pw.sent;
    expect(resolved!.previous).toEqual({ ts: '1700000000.000001', channel: 'C0123456789' });
    expect(resolved!.n.groupKey).toBe(fired!.n.groupKey);
  });
});
