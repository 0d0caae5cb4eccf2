import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AlertPolicy } from '../../../functions/config/schema.ts';
import { compareSeverity, fingerprint, markNotified, reduce } from '../../../functions/core/alerts/index.ts';
import type { AlertState } from '../../../functions/core/alerts/index.ts';
import type { Severity } from '../../../functions/core/types.ts';
import { finding } from './helpers.ts';

const severity = fc.constantFrom<Severity>('info', 'warning', 'critical');
const policyArb: fc.Arbitrary<AlertPolicy> = fc.record({
  forEvaluations: fc.integer({ min: 1, max: 4 }),
  for: fc.integer({ min: 0, max: 50 }),
  resolveAfterEvaluations: fc.integer({ min: 1, max: 4 }),
  repeatInterval: fc.integer({ min: 1, max: 100 }),
});
const stepArb = fc.record({
  active: fc.boolean(),
  severity,
  dt: fc.integer({ min: 1, max: 30 }),
  notify: fc.boolean(),
});

describe('alert lifecycle properties', () => {
  it('never resolves without having fired; never triggers twice in an episode except on escalation; respects for/hysteresis', () => {
    fc.assert(
      fc.property(policyArb, fc.array(stepArb, { minLength: 1, maxLength: 60 }), (p, steps) => {
        let state: AlertState | undefined;
        let now = 0;
        let firing = false;
        let maxTriggered: Severity | undefined;
        let actives = 0;
        let inactives = 0;
        let activeSince = 0;
        for (const s of steps) {
          now += s.dt;
          // Like step(): an alert with no state yet only starts from an active finding.
          if (state === undefined && !s.active) continue;
          const r = reduce(state, s.active ? { active: true, finding: finding({ severity: s.severity }) } : { active: false }, p, now);
          if (s.active) {
            if (actives === 0) activeSince = now;
            actives += 1;
            inactives = 0;
          } else {
            actives = 0;
            inactives += 1;
          }
          if (r.action === 'resolve') {
            expect(firing).toBe(true);
            expect(inactives).toBeGreaterThanOrEqual(p.resolveAfterEvaluations);
            firing = false;
            maxTriggered = undefined;
          }
          if (r.action === 'trigger') {
            expect(s.active).toBe(true);
            if (firing) {
              expect(compareSeverity(s.severity, maxTriggered!)).toBeGreaterThan(0);
            } else {
              expect(actives).toBeGreaterThanOrEqual(p.forEvaluations);
              expect(now - activeSince).toBeGreaterThanOrEqual(p.for);
            }
            firing = true;
            maxTriggered = s.severity;
          }
          if (r.action === 'remind') expect(firing && s.active).toBe(true);
          expect(r.state.status === 'firing').toBe(firing);
          state = r.action !== 'none' && s.notify ? markNotified(r.state, now) : r.state;
        }
      }),
      { numRuns: 500 },
    );
  });

  it('reminders are at least repeatInterval apart when every notification is confirmed', () => {
    fc.assert(
      fc.property(policyArb, fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 60 }), (p, dts) => {
        let state: AlertState | undefined;
        let now = 0;
        let lastSent: number | undefined;
        for (const dt of dts) {
          now += dt;
          const r = reduce(state, { active: true, finding: finding() }, p, now);
          state = r.state;
          if (r.action === 'remind') expect(now - lastSent!).toBeGreaterThanOrEqual(p.repeatInterval);
          if (r.action !== 'none') {
            lastSent = now;
            state = markNotified(state, now);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('fingerprint is stable, 16 hex chars, and distinguishes distinct identities', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.string(), fc.string(), (rule, pod, target, other) => {
        const a = fingerprint(rule, pod, target);
        expect(a).toMatch(/^[0-9a-f]{16}$/);
        expect(fingerprint(rule, pod, target)).toBe(a);
        if (other !== pod) expect(fingerprint(rule, other, target)).not.toBe(a);
        if (other !== rule) expect(fingerprint(other, pod, target)).not.toBe(a);
      }),
    );
    // No separator ambiguity between fields.
    expect(fingerprint('a|b', 'c', 'd')).not.toBe(fingerprint('a', 'b|c', 'd'));
    // Pinned: a changed canonical form would silently re-open every alert at the pager.
    expect(fingerprint('memory-pressure', 'pool-0', 'pool-0')).toBe('e747912cfabc9740');
  });
});
