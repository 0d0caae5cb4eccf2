import { describe, expect, it } from 'vitest';
import { webhookKey } from '../../../functions/core/alertmanager/idempotency.ts';
import { parseAlertmanagerPayload, type AlertmanagerPayload } from '../../../functions/core/alertmanager/payload.ts';
import { fixture } from './load-fixture.ts';

function load(mutate: (p: ReturnType<typeof fixture>) => void = () => undefined): AlertmanagerPayload {
  const p = fixture('codex-pooler-firing-resolved');
  mutate(p);
  const r = parseAlertmanagerPayload(p);
  if (!r.ok) throw new Error(r.issues.join());
  return r.payload;
}

describe('webhookKey', () => {
  it('maps a retried webhook to the same key', () => {
    expect(webhookKey(load())).toBe(webhookKey(load()));
    expect(webhookKey(load())).toMatch(/^amw-[0-9a-f]{32}$/);
  });

  it('ignores alert order and fields outside the identity (annotations, endsAt, truncatedAlerts)', () => {
    const base = webhookKey(load());
    expect(webhookKey(load((p) => p.alerts.reverse()))).toBe(base);
    expect(webhookKey(load((p) => (p.alerts[0]!.annotations.summary = 'reworded')))).toBe(base);
    expect(webhookKey(load((p) => (p.truncatedAlerts = 3)))).toBe(base);
  });

  it('changes with startsAt, an alert status, the group status or the group key', () => {
    const base = webhookKey(load());
    expect(webhookKey(load((p) => (p.alerts[0]!.startsAt = '2026-11-24T10:30:00Z')))).not.toBe(base);
    expect(webhookKey(load((p) => (p.alerts[0]!.status = 'resolved')))).not.toBe(base);
    expect(webhookKey(load((p) => (p.status = 'resolved')))).not.toBe(base);
    expect(webhookKey(load((p) => (p.groupKey = '{}:{}')))).not.toBe(base);
    expect(webhookKey(load((p) => p.alerts.pop()))).not.toBe(base);
  });
});
