import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyGrouperState, isInhibited, markGroupSent, planNotifications } from '../../../functions/core/routing/index.ts';
import type { GroupBatch, GrouperState, RoutableAlert } from '../../../functions/core/routing/index.ts';
import { alert, M, routing, S } from './helpers.ts';

const timings = { groupWait: '30s', groupInterval: '2m', repeatInterval: '10m' };
const configs = [
  routing({ route: { receiver: 'slack', ...timings } }),
  routing({ route: { receiver: 'slack', groupBy: [], ...timings } }),
  routing({ route: { receiver: 'slack', groupBy: ['...'], ...timings } }),
  routing({
    route: {
      receiver: 'slack',
      ...timings,
      routes: [
        { matchers: ['severity="critical"'], receiver: 'pagerduty', groupWait: '0s', continue: true },
        { matchers: ['pod=~"app-[01]"'], receiver: 'team', groupBy: ['rule'] },
      ],
    },
  }),
  // Muting: a silence over the first 20 minutes, and critical r0 inhibiting r1 on the same pod.
  routing({
    route: { receiver: 'slack', ...timings },
    silences: [{ matchers: ['pod="app-1"'], startsAt: '1970-01-01T00:00:00Z', endsAt: '1970-01-01T00:20:00Z', comment: 'maintenance' }],
    inhibitRules: [{ sourceMatchers: ['rule="r0"', 'severity="critical"'], targetMatchers: ['rule="r1"'], equal: ['pod'] }],
  }),
];

const FPS = ['f0', 'f1', 'f2', 'f3', 'f4', 'f5'];
const opArb = fc.record({ fp: fc.integer({ min: 0, max: FPS.length - 1 }), kind: fc.constantFrom('fire', 'escalate', 'remind', 'resolve') });
const stepArb = fc.record({ dt: fc.integer({ min: 1, max: 200 }).map((s) => s * S), ops: fc.array(opArb, { maxLength: 4 }), confirm: fc.boolean() });

/** Fixed labels of each fingerprint: two rules, three pods. */
function base(fp: string) {
  const i = FPS.indexOf(fp);
  return { rule: `r${i % 2}`, pod: `app-${i % 3}` };
}

interface Step {
  dt: number;
  ops: Array<{ fp: number; kind: string }>;
  confirm: boolean;
}

interface Sent {
  at: number;
  batch: GroupBatch;
}

/** Run a scenario like the runtime would; `confirm: false` simulates a failed hand-off for that round. */
function simulate(config: number, steps: Step[], resolveAllAtEnd: boolean) {
  const cfg = configs[config]!;
  let state: GrouperState = emptyGrouperState();
  let now = 0;
  const sent: Sent[] = [];
  const firing = new Map<string, { since: number; severity: 'warning' | 'critical' }>();
  const round = (alerts: RoutableAlert[], confirm: boolean) => {
    const r = planNotifications(state, alerts, cfg, now);
    state = r.state;
    for (const batch of r.due) {
      if (!confirm) continue;
      sent.push({ at: now, batch });
      state = markGroupSent(state, batch.groupKey, batch.receiver, now);
    }
  };
  const transition = (fp: string, kind: string): RoutableAlert | undefined => {
    const cur = firing.get(fp);
    if (kind === 'resolve') {
      if (cur === undefined) return undefined;
      firing.delete(fp);
      return alert(fp, { ...base(fp), action: 'resolve', severity: cur.severity });
    }
    if (cur === undefined) {
      firing.set(fp, { since: now, severity: 'warning' });
      return alert(fp, { ...base(fp), action: 'trigger', severity: 'warning' });
    }
    if (kind === 'escalate' && cur.severity === 'warning') {
      cur.severity = 'critical';
      return alert(fp, { ...base(fp), action: 'trigger', severity: 'critical' });
    }
    return alert(fp, { ...base(fp), action: 'remind', severity: cur.severity });
  };
  for (const step of steps) {
    now += step.dt;
    const alerts = step.ops.map((op) => transition(FPS[op.fp]!, op.kind)).filter((a) => a !== undefined);
    round(alerts, step.confirm);
  }
  if (resolveAllAtEnd) {
    now += S;
    round([...firing.keys()].map((fp) => transition(fp, 'resolve')!), true);
  }
  // Let time pass well beyond every wait and interval, confirming everything.
  for (let i = 0; i < 3; i += 1) {
    now += 11 * M;
    round([], true);
  }
  return { state, sent, firing };
}

const inBatch = (sent: Sent[], fp: string, from: number, status: 'firing' | 'resolved') =>
  sent.some((s) => s.at >= from && s.batch.alerts.some((a) => a.fingerprint === fp && a.status === status));

describe('grouper properties', () => {
  it('no loss: every alert still firing was sent after it fired; an announced alert that ended is last seen resolved', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: configs.length - 1 }), fc.array(stepArb, { maxLength: 40 }), (config, steps) => {
        const { sent, firing } = simulate(config, steps, false);
        // Silences have expired by the end; an alert still inhibited then is rightly held back.
        const finalLabels = [...firing].map(([fp, f]) => alert(fp, { ...base(fp), severity: f.severity }).labels);
        for (const [fp, { since, severity }] of firing) {
          const inhibited = isInhibited(alert(fp, { ...base(fp), severity }).labels, finalLabels, configs[config]!.inhibitRules);
          if (!inhibited) expect(inBatch(sent, fp, since, 'firing')).toBe(true);
        }
        // A resolve followed by a new trigger before the group sent coalesces into "still firing" (as in
        // Alertmanager), so the check is on what the receiver is left believing.
        for (const fp of FPS) {
          if (firing.has(fp)) continue;
          const last = sent.flatMap((s) => s.batch.alerts).filter((a) => a.fingerprint === fp).at(-1);
          if (last !== undefined) expect(last.status).toBe('resolved');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('bounded: once every alert resolved and time passed, the state is empty', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: configs.length - 1 }), fc.array(stepArb, { maxLength: 40 }), (config, steps) => {
        const { state } = simulate(config, steps, true);
        expect(state.groups).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it('bounded while running: never more groups than (routes × alerts), never an empty group', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: configs.length - 1 }), fc.array(stepArb, { maxLength: 40 }), (config, steps) => {
        const { state } = simulate(config, steps, false);
        expect(state.groups.length).toBeLessThanOrEqual(2 * FPS.length);
        for (const g of state.groups) expect(g.alerts.length).toBeGreaterThan(0);
        expect(JSON.parse(JSON.stringify(state))).toEqual(state);
      }),
      { numRuns: 200 },
    );
  });
});
