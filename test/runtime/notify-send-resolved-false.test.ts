import { describe, expect, it } from 'vitest';
import { check, M, pipeline, S, T0 } from '../helpers/lifecycle-pipeline.ts';

/**
 * A receiver with `sendResolved: false` hears no resolves. When one alert of a group resolves while another still
 * fires, the grouper plans [A:remind, B:resolve]; without B there is nothing new for this receiver, so nothing is
 * sent (as Alertmanager's dedup stage decides), unless the group's repeat interval is due anyway.
 */
describe('sendResolved: false', () => {
  it('a sibling resolving does not re-notify the alerts still firing', () => {
    const p = pipeline({
      receiver: { auth: 'none' },
      alerting: { forEvaluations: 1, resolveAfterEvaluations: 1, repeatInterval: '4h' },
      receivers: [{ name: 'chat', channel: { type: 'console' }, sendResolved: false }],
      routing: { route: { receiver: 'chat' } },
    });
    const a = check('http-check-failed', 'api', 'warning');
    const b = check('http-latency-p95', 'api', 'warning');
    let t = T0;
    for (; t < T0 + 10 * M; t += 30 * S) p.round(t, [a, b], ['api']);
    expect(p.jobs.map((j) => j.notification.kind)).toEqual(['trigger']);
    // b recovers; a keeps firing. Well inside repeatInterval (4h).
    for (; t < T0 + 30 * M; t += 30 * S) p.round(t, [a], ['api']);
    expect(p.jobs.map((j) => j.notification.kind)).toEqual(['trigger']);
  });
});
