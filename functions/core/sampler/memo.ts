import * as z from 'zod';
import type { SamplerSnapshot } from './snapshot.ts';

/** A pod's recent snapshots, oldest first, one per timestamp. */
export interface PodSamplerMemo {
  snapshots: SamplerSnapshot[];
}

/**
 * What queue growth and repeats need to remember between ingests (plain JSON): each pod's recent snapshots.
 * Merging is idempotent (snapshots are keyed by pod and time), so re-ingesting a file, or a Lambda retry,
 * rebuilds the same memo and the same findings.
 */
export interface SamplerMemo {
  version: 1;
  pods: Record<string, PodSamplerMemo>;
}


/**
 * Entries kept per top list in the memo: history only feeds queue growth and repeats (a finding's evidence comes
 * from the snapshot just read, with its full lists), and the memo is one DynamoDB item on AWS.
 */
export const MEMO_TOP_ENTRIES = 5;
/** Snapshots kept per pod, whatever the retention (a 15-minute repeat window at the sampler's 60 s interval needs 15). */
export const MEMO_SNAPSHOTS_PER_POD = 30;
/** Pods kept; the ones whose newest snapshot is oldest go first. */
export const MEMO_PODS = 500;

/** Lenient on read (a memo written by a newer version still loads): what the rules read is checked. */
export const SamplerMemoSchema = z.object({
  version: z.literal(1),
  pods: z.record(z.string(), z.object({ snapshots: z.array(z.looseObject({ pod: z.string(), ts: z.number(), role: z.string(), memory: z.looseObject({}), cgroup: z.looseObject({}), topProcesses: z.array(z.looseObject({ name: z.string() })), topQueues: z.array(z.looseObject({ name: z.string() })), topEts: z.array(z.looseObject({ name: z.string(), memory: z.number() })) })) })),
});

export function parseSamplerMemo(raw: unknown): SamplerMemo {
  return SamplerMemoSchema.parse(raw) as unknown as SamplerMemo;
}

function slim(s: SamplerSnapshot): SamplerSnapshot {
  return { ...s, topProcesses: s.topProcesses.slice(0, MEMO_TOP_ENTRIES), topQueues: s.topQueues.slice(0, MEMO_TOP_ENTRIES), topEts: s.topEts.slice(0, MEMO_TOP_ENTRIES) };
}

/**
 * The memo with `snapshots` merged in, nothing dropped yet: per pod, sorted by time, one per timestamp (a snapshot
 * seen again replaces itself). Judge a batch against this, then store {@link trimMemo} of it: trimming first cost
 * the early snapshots of a long batch their history.
 */
export function combineSnapshots(memo: SamplerMemo | undefined, snapshots: readonly SamplerSnapshot[]): SamplerMemo {
  const pods: Record<string, PodSamplerMemo> = { ...(memo?.pods ?? {}) };
  const byPod = new Map<string, SamplerSnapshot[]>();
  for (const s of snapshots) {
    const list = byPod.get(s.pod);
    if (list) list.push(s);
    else byPod.set(s.pod, [s]);
  }
  for (const [pod, fresh] of byPod) {
    const byTs = new Map<number, SamplerSnapshot>();
    for (const s of pods[pod]?.snapshots ?? []) byTs.set(s.ts, s);
    for (const s of fresh) byTs.set(s.ts, slim(s));
    pods[pod] = { snapshots: [...byTs.values()].sort((a, b) => a.ts - b.ts) };
  }
  return { version: 1, pods };
}

/**
 * What is kept between ingests: the snapshots within `retentionMs` of the newest in the whole memo, at most
 * {@link MEMO_SNAPSHOTS_PER_POD} per pod; at most {@link MEMO_PODS} pods. Measured from the memo's newest, not each
 * pod's, so a pod that stopped logging (a rollout replaced it) is forgotten after one retention. Time is the logs'
 * own, never the wall clock, so replaying an old file behaves like the live run did.
 */
export function trimMemo(memo: SamplerMemo, retentionMs: number): SamplerMemo {
  const pods: Record<string, PodSamplerMemo> = {};
  let newest = -Infinity;
  for (const { snapshots } of Object.values(memo.pods)) newest = Math.max(newest, snapshots.at(-1)?.ts ?? -Infinity);
  for (const [pod, { snapshots }] of Object.entries(memo.pods)) {
    const kept = snapshots.filter((s) => s.ts > newest - retentionMs).slice(-MEMO_SNAPSHOTS_PER_POD);
    if (kept.length > 0) pods[pod] = { snapshots: kept };
  }
  const names = Object.keys(pods);
  if (names.length > MEMO_PODS) {
    const newest = (p: string) => pods[p]!.snapshots.at(-1)?.ts ?? 0;
    for (const p of names.sort((a, b) => newest(a) - newest(b)).slice(0, names.length - MEMO_PODS)) delete pods[p];
  }
  return { version: 1, pods };
}

/** {@link combineSnapshots} then {@link trimMemo}: the memo to store after ingesting `snapshots`. */
export function mergeSnapshots(memo: SamplerMemo | undefined, snapshots: readonly SamplerSnapshot[], retentionMs: number): SamplerMemo {
  return trimMemo(combineSnapshots(memo, snapshots), retentionMs);
}

/**
 * The pod's history as the memo would have held it when `s` was read: its snapshots before `s` within
 * `retentionMs`, at most {@link MEMO_SNAPSHOTS_PER_POD} in all with `s` itself. So a snapshot is judged the same
 * whether it came alone or in a long batch.
 */
export function historyAt(memo: SamplerMemo, s: SamplerSnapshot, retentionMs: number): SamplerSnapshot[] {
  const earlier = (memo.pods[s.pod]?.snapshots ?? []).filter((x) => x.ts < s.ts && x.ts > s.ts - retentionMs);
  return [...earlier.slice(-(MEMO_SNAPSHOTS_PER_POD - 1)), s];
}
