import { describe, expect, it } from 'vitest';
import { configuredNames } from '../../functions/runtime/build-watcher.ts';
import { check, H, M, pipeline, S, T0 } from '../helpers/lifecycle-pipeline.ts';

/**
 * A check (or target) removed from the config leaves its alerts in the saved state. Nothing evaluates it any more,
 * so without retirement its alert would remind forever; retired, it resolves through the usual hysteresis, as a
 * Prometheus alert does when its rule goes away. Alerts of names still configured are left alone.
 */
describe('alerts of targets and checks no longer configured', () => {
  const config = {
    receiver: { auth: 'none' },
    alerting: { forEvaluations: 1, resolveAfterEvaluations: 2, repeatInterval: '1h' },
    receivers: [{ name: 'pager', channel: { type: 'console' } }],
    routing: { route: { receiver: 'pager' } },
  };

  it('resolve after retireAllBut, and a still-configured one keeps firing', () => {
    const p = pipeline(config);
    let t = T0;
    for (; t < T0 + 5 * M; t += 30 * S) p.round(t, [check('http-check-failed', 'old-login'), check('http-check-failed', 'api')], ['old-login', 'api']);
    expect(p.watcher.firing().map((a) => a.target).sort()).toEqual(['api', 'old-login']);
    // The config no longer has `old-login`; `api` is kept but is not run this round (e.g. its runner is slow).
    expect(p.watcher.retireAllBut(['api', 'prometheus'])).toEqual(['old-login']);
    const resolved: string[] = [];
    for (; t < T0 + 2 * H; t += 30 * S) for (const tr of p.round(t, [], []).transitions) if (tr.action === 'resolve') resolved.push(tr.state.target);
    expect(resolved).toEqual(['old-login']);
    expect(p.watcher.firing().map((a) => a.target)).toEqual(['api']);
    expect(p.jobs.some((j) => j.notification.kind === 'resolve' && j.notification.alerts.some((a) => a.target === 'old-login'))).toBe(true);
  });

  it('configuredNames lists targets and checks', () => {
    expect(configuredNames({ targets: [{ name: 'prometheus' }], checks: [{ name: 'login' }] } as never)).toEqual(['prometheus', 'login']);
  });
});
