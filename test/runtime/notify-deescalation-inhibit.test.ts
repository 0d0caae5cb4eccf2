import { describe, expect, it } from 'vitest';
import { check, M, pipeline, S, T0 } from '../helpers/lifecycle-pipeline.ts';

/**
 * `inhibitRules: default` mutes a pod's warning/info alerts while it has a critical memory-pressure/time-to-oom alert.
 * A de-escalation emits no transition (it notifies nobody), so planProbeJobs refreshes the grouper's severities from
 * the watcher's state: the pod's warnings are heard as soon as memory-pressure drops to warning.
 */
describe('de-escalation and inhibition', () => {
  it('a warning is no longer inhibited once the critical memory-pressure of its pod dropped to warning', () => {
    const p = pipeline({
      receiver: { auth: 'none' },
      alerting: { forEvaluations: 1, resolveAfterEvaluations: 2, repeatInterval: '4h' },
      receivers: [{ name: 'chat', channel: { type: 'console' } }],
      routing: { route: { receiver: 'chat' }, inhibitRules: 'default' },
    });
    const restarts = check('restarts', 'app-0', 'warning');
    let t = T0;
    for (; t < T0 + 10 * M; t += 30 * S) p.round(t, [check('memory-pressure', 'app-0', 'critical'), restarts], ['app-0']);
    const sent = () => p.jobs.flatMap((j) => j.notification.alerts.map((a) => `${a.rule}:${a.severity}:${a.status}`));
    expect(sent()).toEqual(['memory-pressure:critical:firing']);
    // memory-pressure de-escalates to warning and stays there; restarts keeps firing.
    for (; t < T0 + 40 * M; t += 30 * S) p.round(t, [check('memory-pressure', 'app-0', 'warning'), restarts], ['app-0']);
    expect(p.watcher.firing().map((a) => `${a.rule}:${a.severity}`).sort()).toEqual(['memory-pressure:warning', 'restarts:warning']);
    expect(sent()).toContain('restarts:warning:firing');
  });
});
