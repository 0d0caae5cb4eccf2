import { describe, expect, it } from 'vitest';
import { emptyMemo, evaluate, type HeuristicsMemo } from '../../../functions/core/heuristics/index.ts';
import type { Finding } from '../../../functions/core/types.ts';
import { context, federateSnapshot, GiB, healthy, MIN, MiB, newHistory, T0 } from './builders.ts';

/**
 * Scrapes every 30 s and evaluates every minute for `minutes`, carrying the memo like the watcher does.
 * `state(t)` gives the pod's values; returns the findings of the last evaluation.
 */
function simulate(minutes: number, state: (t: number) => Parameters<typeof federateSnapshot>[1]['p']) {
  const h = newHistory();
  let memo: HeuristicsMemo = emptyMemo();
  let findings: Finding[] = [];
  for (let t = T0; t <= T0 + minutes * MIN; t += 30_000) {
    h.ingest(federateSnapshot(t, { p: state(t) }));
    if ((t - T0) % MIN === 0) ({ findings, memo } = evaluate(h, context(t), memo));
  }
  return { findings, memo, h };
}

const at = (t: number) => (t - T0) / MIN;

describe('oom-killed', () => {
  it('says how early time-to-oom predicted the kill', () => {
    // RSS 500 MiB + 10 MiB/min → warning from ~30 min; killed at minute 50; evaluated until minute 52.
    const { findings, memo } = simulate(52, (t) => {
      const killed = at(t) >= 50;
      const rss = killed ? 300 * MiB : (500 + 10 * at(t)) * MiB;
      return { values: healthy({ rss, workingSet: rss, restarts: killed ? 1 : 0 }), ...(killed ? { lastReason: 'OOMKilled' } : {}) };
    });
    const oom = findings.filter((f) => f.rule === 'oom-killed');
    expect(oom).toHaveLength(1);
    expect(oom[0]!.severity).toBe('critical');
    // First prediction when the 15-min first-sighting grace ends (minute 15: 650 MiB, ~37 min to go): 35 min before the kill.
    expect(oom[0]!.summary).toBe('OOMKilled: restarted once in 15 min; predicted 35 min before the kill');
    expect(oom[0]!.evidence.predictedMinutesBefore).toBe(35);
    expect(memo.pods.p?.kill?.at).toBe(T0 + 50 * MIN);
    expect(memo.pods.p?.predictedAt).toBeUndefined();
    expect(findings.some((f) => f.rule === 'restarts')).toBe(false);
  });

  it('says when the kill was not predicted', () => {
    const { findings } = simulate(30, (t) => {
      const killed = at(t) >= 28;
      return { values: healthy({ restarts: killed ? 1 : 0 }), ...(killed ? { lastReason: 'OOMKilled' } : {}) };
    });
    const [f] = findings.filter((x) => x.rule === 'oom-killed');
    expect(f?.summary).toContain('not predicted: no time-to-oom warning in the preceding window');
    expect(f?.evidence.predicted).toBe('no');
  });

  it('grants a fresh warm-up grace after the kill', () => {
    const state = (t: number) => {
      const killed = at(t) >= 45;
      const rss = killed ? (620 + 10 * (at(t) - 45)) * MiB : (600 + 5 * at(t)) * MiB;
      return { values: healthy({ rss, workingSet: rss, restarts: killed ? 1 : 0 }), ...(killed ? { lastReason: 'OOMKilled' } : {}) };
    };
    const inGrace = simulate(58, state);
    expect(inGrace.memo.pods.p?.restartAt).toBe(T0 + 45 * MIN);
    expect(inGrace.findings.filter((f) => f.rule === 'time-to-oom')).toEqual([]);
    expect(simulate(64, state).findings.filter((f) => f.rule === 'time-to-oom')).toHaveLength(1);
  });
});

describe('restarts', () => {
  it('warns on a non-OOM restart within 15 min, with the reason', () => {
    const { findings } = simulate(20, (t) => ({ values: healthy({ restarts: at(t) >= 10 ? 1 : 0 }), lastReason: 'Error' }));
    const [f] = findings.filter((x) => x.rule === 'restarts');
    expect(f?.severity).toBe('warning');
    expect(f?.summary).toBe('restarted once in 15 min (last terminated reason: Error)');
    expect(f?.promql).toContain('increase(kube_pod_container_status_restarts_total{');
  });

  it('is critical at 3 restarts in 15 min', () => {
    const { findings } = simulate(20, (t) => ({ values: healthy({ restarts: Math.max(0, Math.floor((at(t) - 8) / 3)) }), lastReason: 'Error' }));
    const [f] = findings.filter((x) => x.rule === 'restarts');
    expect(f?.severity).toBe('critical');
    expect(Number(f?.evidence.restarts)).toBeGreaterThanOrEqual(3);
  });

  it('is silent when the last restart is older than 15 min, or the count was already high when first seen', () => {
    expect(simulate(40, (t) => ({ values: healthy({ restarts: at(t) >= 10 ? 1 : 0 }), lastReason: 'OOMKilled' })).findings.filter((f) => f.rule === 'restarts' || f.rule === 'oom-killed')).toEqual([]);
    expect(simulate(20, () => ({ values: healthy({ restarts: 7, kubeLimit: GiB }), lastReason: 'OOMKilled' })).findings.filter((f) => f.rule === 'oom-killed')).toEqual([]);
  });
});
