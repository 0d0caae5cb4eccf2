import { describe, expect, it } from 'vitest';
import { PAYLOAD_LIMITS, issuePath, parseAlertmanagerPayload } from '../../../functions/core/alertmanager/payload.ts';
import { fixture } from './load-fixture.ts';

function issuesOf(value: unknown): string[] {
  const r = parseAlertmanagerPayload(value);
  if (r.ok) throw new Error('expected a failure');
  return r.issues;
}

describe('parseAlertmanagerPayload', () => {
  it('accepts a v4 payload from Alertmanager 0.25+ with firing and resolved alerts', () => {
    const r = parseAlertmanagerPayload(fixture('codex-pooler-firing-resolved'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.payload.version).toBe('4');
    expect(r.payload.alerts.map((a) => a.status)).toEqual(['firing', 'firing', 'resolved']);
    expect(r.payload.alerts[0]!.endsAt).toBe('0001-01-01T00:00:00Z');
    expect(r.payload.truncatedAlerts).toBe(0);
  });

  it('tolerates unknown fields at every level and keeps them', () => {
    const r = parseAlertmanagerPayload(fixture('unknown-fields'));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.payload.truncatedAlerts).toBe(2);
    expect((r.payload as Record<string, unknown>).groupID).toBe('f1e2d3c4');
    expect((r.payload.alerts[0] as Record<string, unknown>).silencedBy).toEqual([]);
  });

  it('defaults optional fields (truncatedAlerts, maps, generatorURL, endsAt)', () => {
    const p = fixture('non-codex');
    delete p.truncatedAlerts;
    delete p.commonAnnotations;
    delete p.alerts[0]!.generatorURL;
    delete p.alerts[0]!.endsAt;
    const r = parseAlertmanagerPayload(p);
    expect(r.ok && r.payload.truncatedAlerts === 0 && r.payload.alerts[0]!.generatorURL === '').toBe(true);
    expect(r.ok && r.payload.alerts[0]!.endsAt).toBe('0001-01-01T00:00:00Z');
  });

  it('accepts RFC 3339 with nanoseconds and offsets, rejects other timestamps', () => {
    const p = fixture('non-codex');
    p.alerts[0]!.startsAt = '2026-11-24T10:00:00.123456789+02:00';
    expect(parseAlertmanagerPayload(p).ok).toBe(true);
    p.alerts[0]!.startsAt = '24/11/2026 10:00';
    expect(issuesOf(p)).toEqual(['alerts.0.startsAt']);
  });

  it('checks required fields and the version', () => {
    const p = fixture('non-codex');
    p.version = '3';
    delete p.groupKey;
    delete p.alerts[0]!.fingerprint;
    expect(issuesOf(p).sort()).toEqual(['alerts.0.fingerprint', 'groupKey', 'version']);
    expect(issuesOf(null)).toEqual(['(root)']);
    expect(issuesOf([])).toEqual(['(root)']);
  });

  it('enforces the limits: 1,000 alerts, 128 map entries, 16 KiB strings', () => {
    const many = fixture('non-codex');
    many.alerts = Array.from({ length: PAYLOAD_LIMITS.maxAlerts + 1 }, () => many.alerts[0]!);
    expect(issuesOf(many)).toEqual(['alerts']);
    const wide = fixture('non-codex');
    wide.alerts[0]!.labels = Object.fromEntries(Array.from({ length: 129 }, (_, i) => [`l${i}`, 'v']));
    expect(issuesOf(wide)).toEqual(['alerts.0.labels']);
    const long = fixture('non-codex');
    long.alerts[0]!.annotations.description = 'x'.repeat(16 * 1024 + 1);
    expect(issuesOf(long)).toEqual(['alerts.0.annotations']);
    const ok = fixture('non-codex');
    ok.alerts[0]!.annotations.description = 'x'.repeat(16 * 1024);
    expect(parseAlertmanagerPayload(ok).ok).toBe(true);
  });

  it('reports paths only: never an input value, never a label key', () => {
    const marker = 'MARKER-sk-live-4f2a9c';
    const p = fixture('non-codex');
    p.status = marker;
    p.alerts[0]!.labels = { [marker]: 42 as unknown as string };
    const issues = issuesOf(p);
    expect(issues).toEqual(['status', 'alerts.0.labels']);
    expect(JSON.stringify(issues)).not.toContain('MARKER');
  });

  it('cuts a path at the first segment that is not a schema field', () => {
    expect(issuePath(['alerts', 3, 'labels', 'secret-key'])).toBe('alerts.3.labels');
    expect(issuePath(['commonAnnotations', 'x'])).toBe('commonAnnotations');
    expect(issuePath([])).toBe('(root)');
  });

  it('drops a __proto__ label key rather than touching the prototype', () => {
    const p = JSON.parse(JSON.stringify(fixture('non-codex')).replace('"alertname":', '"__proto__":"x","alertname":'));
    const r = parseAlertmanagerPayload(p);
    expect(r.ok).toBe(true);
    if (r.ok) expect(Object.getPrototypeOf(r.payload.alerts[0]!.labels)).toBe(Object.prototype);
  });
});
