import { describe, expect, it } from 'vitest';
import type { AlertState } from '../../../functions/core/alerts/types.ts';
import { emptyMemo, evaluate } from '../../../functions/core/heuristics/index.ts';
import { HINTS } from '../../../functions/core/heuristics/hints.ts';
import { buildNotification, renderProbeAlert } from '../../../functions/core/render/render.ts';
import type { RenderSanitizer } from '../../../functions/core/render/render.ts';
import { createSanitizer } from '../../../functions/core/sanitize/index.ts';
import type { Finding } from '../../../functions/core/types.ts';
import { context, federateSnapshot, feed, healthy, MIN, MiB, newHistory, T0 } from '../heuristics/builders.ts';

/* The sanitizer's false-positive guard on what pooler-watch itself writes: runbook hints and rendered findings. */
const s = createSanitizer({ secrets: ['fa4e-registered-secret-0'] });
const identity: RenderSanitizer = { text: (x) => x, url: (x) => x, labels: (l) => ({ ...l }) };

const POD = 'codex-pooler-app-7d9f8b6c5-x2k4q';

/** Findings of a real evaluation: a pod leaking towards its limit, near it, with binary and non-BEAM growth. */
function findings(): Finding[] {
  const h = newHistory();
  const now = feed(h, 81, (t) => {
    const grown = ((t - T0) / MIN) * 6 * MiB;
    return federateSnapshot(t, {
      [POD]: { values: healthy({ rss: 520 * MiB + grown, workingSet: 560 * MiB + grown, cgroupUsage: 580 * MiB + grown, beamBinary: 40 * MiB + grown / 2 }) },
    });
  });
  return evaluate(h, context(now), emptyMemo()).findings;
}

function alertState(f: Finding): AlertState {
  return {
    fingerprint: '3f9a1c2b7d4e5f60',
    rule: f.rule,
    pod: f.pod,
    target: f.target,
    status: 'firing',
    severity: f.severity,
    summary: f.summary,
    finding: f,
    activeCount: 2,
    inactiveCount: 0,
    firedAt: Date.parse('2026-11-24T11:36:30Z'),
    changedAt: 0,
    lastEvaluatedAt: 0,
  };
}

describe('innocuous text passes the sanitizer unchanged', () => {
  it.each(Object.entries(HINTS))('runbook hint %s', (_key, hint) => {
    expect(s.text(hint)).toBe(hint);
  });

  it('rendered findings of a real evaluation: title, summary, hint, PromQL, evidence, labels', () => {
    const all = findings();
    expect(all.map((f) => f.rule)).toEqual(expect.arrayContaining(['time-to-oom', 'binary-growth', 'non-beam-growth', 'sampler-snapshot']));
    const links = { runbook: 'https://docs.example.com/codex-pooler-monitoring', dashboard: 'https://grafana.example.com/d/codex-pooler-runtime-triage/codex-pooler' };
    for (const f of all) {
      const cleaned = renderProbeAlert(alertState(f), 'firing', 0, { links, sanitize: s });
      expect(cleaned, f.rule).toEqual(renderProbeAlert(alertState(f), 'firing', 0, { links, sanitize: identity }));
      expect(JSON.stringify(cleaned)).not.toContain('<redacted>');
    }
    const items = all.map((f) => renderProbeAlert(alertState(f), 'firing', 0, { links, sanitize: s }));
    const n = buildNotification({ receiver: 'slack', groupKey: 'g', kind: 'trigger', alerts: items, transitionTimes: {}, now: 0 });
    expect(JSON.stringify(s.deep(n))).toBe(JSON.stringify(n));
  });
});
