import { describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../functions/platform/delivery/ledger.ts';
import { check, H, M, pipeline, S, T0 } from '../helpers/lifecycle-pipeline.ts';

/**
 * The delivery ledger drops any job whose id it has seen in the last 7 days (attemptJob: ledger.has(job.id) →
 * 'duplicate'). Batches fall due rounds after their transitions (groupWait, groupInterval, repeatInterval), so the id
 * must come from the alerts' own episode times and the group's previous send: a second episode, each reminder and
 * each resolve get ids of their own.
 */
const base = {
  receiver: { auth: 'none' },
  alerting: { forEvaluations: 1, resolveAfterEvaluations: 1, repeatInterval: '4h' },
  receivers: [{ name: 'pager', channel: { type: 'console' } }],
  // Defaults: groupWait 30s, groupInterval 5m, repeatInterval 4h.
  routing: { route: { receiver: 'pager' } },
};

describe('notification ids across episodes and reminders', () => {
  it('a second firing episode of the same alert gets a new id (else the ledger drops it as a duplicate)', () => {
    const p = pipeline(base);
    const f = check('http-check-failed', 'api');
    const triggers: string[] = [];
    let t = T0;
    // Episode 1: fires, notified after groupWait, resolves 10 minutes later.
    for (; t <= T0 + 10 * M; t += 30 * S) for (const j of p.round(t, [f], ['api']).jobs) if (j.notification.kind === 'trigger') triggers.push(j.id);
    for (; t <= T0 + 20 * M; t += 30 * S) p.round(t, [], ['api']);
    // Episode 2, a day later: fires again.
    for (t = T0 + 24 * H; t <= T0 + 24 * H + 10 * M; t += 30 * S) for (const j of p.round(t, [f], ['api']).jobs) if (j.notification.kind === 'trigger') triggers.push(j.id);
    expect(triggers).toHaveLength(2);
    expect(new Set(triggers).size).toBe(2);
  });

  it('consecutive reminders of a group that keeps firing get distinct ids', async () => {
    const p = pipeline(base);
    const f = check('http-check-failed', 'api');
    const reminds: string[] = [];
    for (let t = T0; t <= T0 + 13 * H; t += 30 * S) for (const j of p.round(t, [f], ['api']).jobs) if (j.notification.kind === 'remind') reminds.push(j.id);
    expect(reminds.length).toBeGreaterThanOrEqual(3);
    // What the delivery core does with them (attemptJob: `if (await ledger.has(job.id)) → duplicate`).
    const ledger = new MemoryLedger({ now: () => T0 + 13 * H });
    let delivered = 0;
    for (const id of reminds) {
      if (await ledger.has(id)) continue;
      await ledger.record(id);
      delivered += 1;
    }
    expect(delivered).toBe(reminds.length);
    expect(new Set(reminds).size).toBe(reminds.length);
  });

  it('the resolve of a second episode gets a new id (else the incident it should close stays open)', () => {
    const p = pipeline(base);
    const f = check('http-check-failed', 'api');
    const resolves: string[] = [];
    for (const start of [T0, T0 + 24 * H]) {
      let t = start;
      // Fires, is notified after groupWait, and recovers 2 minutes later: the resolve waits for groupInterval.
      for (; t < start + 3 * M; t += 30 * S) p.round(t, [f], ['api']);
      for (; t < start + 20 * M; t += 30 * S) for (const j of p.round(t, [], ['api']).jobs) if (j.notification.kind === 'resolve') resolves.push(j.id);
    }
    expect(resolves).toHaveLength(2);
    expect(new Set(resolves).size).toBe(2);
  });
});
