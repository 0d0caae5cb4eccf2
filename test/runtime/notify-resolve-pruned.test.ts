import { describe, expect, it } from 'vitest';
import { check, H, M, pipeline, S, T0 } from '../helpers/lifecycle-pipeline.ts';

/**
 * The grouper may hold a resolve for `groupInterval` after the group's last send, and any positive duration is
 * accepted. The alert's state, which the resolve is rendered from, is kept at least that long (buildWatcher derives
 * the retention from the routing tree), so the resolve still goes out and the incident is closed.
 */
describe('resolve held by groupInterval longer than the alert-state retention', () => {
  it('still delivers the resolve', () => {
    const p = pipeline({
      receiver: { auth: 'none' },
      alerting: { forEvaluations: 1, resolveAfterEvaluations: 1, repeatInterval: '12h' },
      receivers: [{ name: 'pager', channel: { type: 'console' } }],
      routing: { route: { receiver: 'pager', groupInterval: '2h', repeatInterval: '12h' } },
    });
    const f = check('http-check-failed', 'api');
    let t = T0;
    for (; t < T0 + 10 * M; t += 30 * S) p.round(t, [f], ['api']);
    for (; t < T0 + 3 * H; t += 30 * S) p.round(t, [], ['api']);
    expect(p.jobs.map((j) => j.notification.kind)).toEqual(['trigger', 'resolve']);
  });
});
