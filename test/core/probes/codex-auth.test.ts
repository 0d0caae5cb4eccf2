import { describe, expect, it } from 'vitest';
import { AUTH_HINTS, authVerdict, metricsAuthOff, METRICS_AUTH_OFF_RULE, type AuthProbeResult } from '../../../functions/core/probes/codex-checks.ts';

const target = { name: 'codex-pooler-app-0', kind: 'metrics' } as const;
const status = (s: number, exposition = true): AuthProbeResult => ({ kind: 'status', status: s, exposition });
const run = (result: AuthProbeResult, tokenConfigured: boolean) =>
  metricsAuthOff({ target, url: 'http://10.0.0.7:4000/metrics', tokenConfigured, result, severity: 'warning' });

describe('authVerdict', () => {
  it.each<[AuthProbeResult, string]>([
    [status(200), 'open'],
    [status(204), 'open'],
    [status(200, false), 'unknown'],
    [status(401, false), 'protected'],
    [status(403, false), 'protected'],
    [status(302, false), 'protected'],
    [status(404, false), 'unknown'],
    [status(500, false), 'unknown'],
    [status(503, false), 'unknown'],
    [{ kind: 'error', error: 'timeout' }, 'unknown'],
    [{ kind: 'error', error: 'ECONNREFUSED' }, 'unknown'],
  ])('%j is %s', (result, verdict) => {
    expect(authVerdict(result)).toBe(verdict);
  });
});

describe('metricsAuthOff: the matrix', () => {
  it('token configured, unauthenticated 200 exposition: auth was switched off', () => {
    const f = run(status(200), true)!;
    expect(f).toMatchObject({ rule: METRICS_AUTH_OFF_RULE, severity: 'warning', pod: target.name, target: target.name, promql: '' });
    expect(f.summary).toContain('without credentials: metrics auth is off');
    expect(f.evidence).toEqual({ status: 200, url: 'http://10.0.0.7:4000/metrics', tokenConfigured: 'yes' });
    expect(f.hint).toBe(AUTH_HINTS.switchedOff);
    expect(f.hint).toContain('/admin/system');
  });

  it('no token configured, unauthenticated 200: metrics were never protected', () => {
    const f = run(status(200), false)!;
    expect(f.evidence.tokenConfigured).toBe('no');
    expect(f.hint).toBe(AUTH_HINTS.neverOn);
    expect(f.hint).toContain('Secret reference');
  });

  it.each([401, 403, 302, 404, 500])('%i: no finding, with or without a token', (s) => {
    expect(run(status(s, false), true)).toBeUndefined();
    expect(run(status(s, false), false)).toBeUndefined();
  });

  it('errors and non-exposition 200s say nothing', () => {
    expect(run({ kind: 'error', error: 'timeout' }, true)).toBeUndefined();
    expect(run(status(200, false), true)).toBeUndefined();
  });

  it('takes the configured severity', () => {
    expect(metricsAuthOff({ target, url: 'u', tokenConfigured: true, result: status(200), severity: 'critical' })!.severity).toBe('critical');
  });
});
