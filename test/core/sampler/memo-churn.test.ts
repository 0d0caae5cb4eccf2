import { describe, expect, it } from 'vitest';
import { mergeSnapshots, type SamplerMemo, type SamplerSnapshot } from '../../../functions/core/sampler/index.ts';
import { fixture, snapshotsOf } from './helpers.ts';

/**
 * The sampler memo (one DynamoDB item on AWS, `sampler-memo.json` locally) keeps the snapshots within `retention` of
 * the memo's newest. A pod replaced by a rollout logs no more, so it is forgotten after one retention; measured from
 * each pod's own newest, dead pods would fill the memo up to its MEMO_PODS cap (~10x what the live pods need).
 */
describe('sampler memo under pod churn', () => {
  it('forgets pods with no snapshot within the retention of the newest one', () => {
    const base = snapshotsOf(fixture('web-healthy.jsonl'))[0]!;
    const RETENTION = 60 * 60_000;
    const PODS = 50;
    const ROLLOUTS = 4 * 5; // 4 a day for 5 days
    const STEP = 60_000; // the sampler's interval
    let memo: SamplerMemo | undefined;
    let t = Date.UTC(2026, 10, 24);
    for (let r = 0; r < ROLLOUTS; r++) {
      // Every pod of this generation logs a snapshot a minute for 30 minutes, then the next rollout replaces it.
      for (let i = 0; i < 30; i++, t += STEP) {
        const batch: SamplerSnapshot[] = Array.from({ length: PODS }, (_, p) => ({ ...base, pod: `codex-pooler-web-${r}-${p}`, ts: t }));
        memo = mergeSnapshots(memo, batch, RETENTION);
      }
      t += 6 * 3_600_000 - 30 * STEP;
    }
    const pods = Object.keys(memo!.pods);
    const snapshots = Object.values(memo!.pods).reduce((n, p) => n + p.snapshots.length, 0);
    const bytes = JSON.stringify(memo).length;
    expect({ pods: pods.length, snapshots, kib: Math.round(bytes / 1024) }).toEqual({
      pods: PODS,
      snapshots: PODS * 30,
      kib: expect.toSatisfy((k: number) => k < 2_000),
    });
  });
});
