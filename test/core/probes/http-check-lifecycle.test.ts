import { describe, expect, it } from 'vitest';
import { HttpCheck } from '../../../functions/config/checks.ts';
import { Config } from '../../../functions/config/schema.ts';
import { httpCheckFindings } from '../../../functions/core/probes/http-check-findings.ts';
import type { HttpObservation } from '../../../functions/core/probes/http-check-types.ts';
import { evaluateHttpCheck } from '../../../functions/core/probes/http-check-verdict.ts';
import type { Watcher } from '../../../functions/core/watcher.ts';
import { buildWatcher } from '../../../functions/runtime/build-watcher.ts';

const T0 = Date.parse('2026-11-24T10:00:00Z');
const DAY = 86_400_000;
const ok: HttpObservation = { status: 200, latencyMs: 20, body: '{}', bodyBytes: 2, bodyTruncated: false, redirects: 0 };
const down: HttpObservation = { status: 503, latencyMs: 20, body: '', bodyBytes: 0, bodyTruncated: false, redirects: 0 };
const slow: HttpObservation = { ...ok, latencyMs: 900 };
const refused: HttpObservation = { latencyMs: 1, bodyBytes: 0, bodyTruncated: false, redirects: 0, error: { kind: 'connection-refused', code: 'ECONNREFUSED' } };

/** Feeds one observation per round (60 s apart) to a watcher whose global policy differs from the check's. */
function rounds(check: HttpCheck, seq: HttpObservation[], watcher: Watcher = buildWatcher(Config.parse({ checks: [check] }))) {
  return seq.map((obs, i) => {
    const now = T0 + i * 60_000;
    const findings = httpCheckFindings(check, evaluateHttpCheck(check, obs, now), obs);
    const r = watcher.observe({ now, snapshots: [], scrapeFailures: [], checks: { findings, evaluated: [check.name] } });
    return r.transitions.map((t) => `${t.action}:${t.state.rule}:${t.state.severity}`).join(',') || '-';
  });
}

describe('http check lifecycle through the watcher', () => {
  const check = HttpCheck.parse({ name: 'api', url: 'https://api.test/healthz', failureThreshold: 2, successThreshold: 2, maxLatency: 500 });

  it('failureThreshold 2: pending, then firing; successThreshold 2: resolves after two passes', () => {
    expect(rounds(check, [down, down, down, ok, ok, ok])).toEqual(['-', 'trigger:http-check-failed:critical', '-', '-', 'resolve:http-check-failed:critical', '-']);
  });

  it('a single failure between passes never fires', () => {
    expect(rounds(check, [ok, down, ok, down, ok])).toEqual(['-', '-', '-', '-', '-']);
  });

  it('thresholds are per check: 3 failures to fire, 1 pass to resolve (global policy is 2 and 3)', () => {
    const strict = HttpCheck.parse({ name: 'web', url: 'http://web.test/', failureThreshold: 3, successThreshold: 1, severity: 'warning' });
    expect(rounds(strict, [refused, refused, refused, ok])).toEqual(['-', '-', 'trigger:http-check-failed:warning', 'resolve:http-check-failed:warning']);
  });

  it('repeatInterval per check drives reminders', () => {
    const nagging = HttpCheck.parse({ name: 'api', url: 'https://api.test/', failureThreshold: 1, repeatInterval: '2m' });
    expect(rounds(nagging, [down, down, down, down])).toEqual(['trigger:http-check-failed:critical', '-', 'remind:http-check-failed:critical', 'remind:http-check-failed:critical']);
  });

  it('degraded is a distinct rule with warning severity, whatever the check severity', () => {
    const watcher = buildWatcher(Config.parse({ checks: [check] }));
    expect(rounds(check, [slow, slow, ok, ok], watcher)).toEqual(['-', 'trigger:http-check-degraded:warning', '-', 'resolve:http-check-degraded:warning']);
  });

  it('tls-expiry escalates from warning to critical as the days run out', () => {
    const leaf = (days: number): HttpObservation => ({ ...ok, tls: { verified: true, chain: [{ notBefore: T0 - 80 * DAY, notAfter: T0 + days * DAY, selfSigned: false }] } });
    const tlsCheck = HttpCheck.parse({ name: 'api', url: 'https://api.test/', failureThreshold: 1 });
    expect(rounds(tlsCheck, [leaf(30), leaf(10), leaf(2.5)])).toEqual(['-', 'trigger:tls-expiry:warning', 'trigger:tls-expiry:critical']);
  });
});

describe('evaluateHttpCheck (pure)', () => {
  const check = HttpCheck.parse({ name: 'api', url: 'https://api.test/', maxLatency: 500 });
  it('a failure outranks a degradation; the degradation is still reported', () => {
    const v = evaluateHttpCheck(check, { ...down, latencyMs: 900 }, T0);
    expect(v.status).toBe('failed');
    expect(v.degradations.map((r) => r.code)).toEqual(['latency']);
    expect(httpCheckFindings(check, v, { ...down, latencyMs: 900 }).map((f) => f.rule)).toEqual(['http-check-failed']);
  });

  it('the soonest expiry across the chain counts, named by position', () => {
    const chain = [
      { notBefore: 0, notAfter: T0 + 60 * DAY, selfSigned: false },
      { notBefore: 0, notAfter: T0 + 9 * DAY, selfSigned: false },
      { notBefore: 0, notAfter: T0 + 900 * DAY, selfSigned: true },
    ];
    const v = evaluateHttpCheck(check, { ...ok, tls: { verified: true, chain } }, T0);
    expect(v.status).toBe('degraded');
    expect(v.certificate).toEqual({ daysLeft: 9, position: 'intermediate 1', notAfter: T0 + 9 * DAY });
    const [f] = httpCheckFindings(check, v, ok);
    expect(f?.summary).toBe('certificate of check api (intermediate 1) expires in 9.0 days, on 2026-12-03T10:00:00.000Z');
    expect(f?.policy).toEqual({ forEvaluations: 2, resolveAfterEvaluations: 2 });
  });

  it('every finding carries the check policy, the check name as pod and target, and no PromQL', () => {
    const v = evaluateHttpCheck(check, refused, T0);
    const [f] = httpCheckFindings({ ...check, repeatInterval: 60_000 }, v, refused);
    expect(f).toMatchObject({ pod: 'api', target: 'api', promql: '', policy: { forEvaluations: 2, resolveAfterEvaluations: 2, repeatInterval: 60_000 } });
    expect(f?.evidence).toEqual({ url: 'https://api.test/', method: 'GET', latencyMs: 1, code: 'ECONNREFUSED', verdict: 'failed', reason: 'connection-refused', failures: 1 });
  });
});
