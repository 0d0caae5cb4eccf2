import { describe, expect, it } from 'vitest';
import { MEMO_SNAPSHOTS_PER_POD, MEMO_TOP_ENTRIES, combineSnapshots, mergeSnapshots, samplerBatch, samplerBatchKey, samplerFindings, type SamplerFinding, type SamplerSnapshot } from '../../../functions/core/sampler/index.ts';
import { createSanitizer } from '../../../functions/core/sanitize/index.ts';
import { MiB, SCHEDULER, WORKER, ctx, fixture, snapshotsOf } from './helpers.ts';

const HOUR = 3_600_000;

function judge(snaps: SamplerSnapshot[], over: Parameters<typeof ctx>[0] = {}): SamplerFinding[] {
  const c = ctx(over);
  return samplerFindings(combineSnapshots(undefined, snaps), snaps, c);
}

const rules = (fs: SamplerFinding[]) => fs.map((f) => `${f.pod} ${f.rule} ${f.severity}`);

describe('sampler findings from the runbook fixtures', () => {
  it('worker spike to OOM: threshold, cgroup near the limit (critical, on RSS) and repeated snapshots', () => {
    const fs = judge(snapshotsOf(fixture('worker-oom.log')));
    expect(rules(fs)).toEqual([`${WORKER} sampler-cgroup-near-limit critical`, `${WORKER} sampler-repeated warning`, `${WORKER} sampler-threshold warning`]);
    const near = fs.find((f) => f.rule === 'sampler-cgroup-near-limit')!;
    // One finding per (rule, pod, window): the latest snapshot's numbers.
    expect(near.snapshotAt).toBe(Date.parse('2026-11-24T10:05:11.803Z'));
    expect(near.windowStart).toBe(Date.parse('2026-11-24T10:00:00Z'));
    expect(near.summary).toBe('worker pod: cgroup RSS 1003 MiB is 98% of the 1024 MiB limit: an OOM kill is close');
    expect(near.evidence).toMatchObject({ role: 'worker', cgroupLimitBytes: 1024 * MiB, cgroupRssBytes: 1003 * MiB, topProcess: 'Elixir.CodexPooler.Workers.ExportJob.init/1', topEtsTable: 'codex_pooler_export_chunks' });
    expect(near.hint).toMatch(/^worker pods expose no \/metrics/);
    expect(near.hint).toContain('combine this snapshot with Kubernetes cgroup memory, restart, OOM and memory-limit metrics');
    expect(near.hint).toContain('inspect top process Elixir.CodexPooler.Workers.ExportJob.init/1 (452 MiB) and ETS table codex_pooler_export_chunks (52 MiB)');
    expect(near.hint).toContain('streaming response retention'); // binary is the largest BEAM category
    expect(near.promql).toContain(`container_memory_working_set_bytes{namespace="codex-pooler", container="app", image!="", pod="${WORKER}"}`);
    expect(near.promql).toContain('kube_pod_container_status_restarts_total');
    expect(near.promql).toContain('kube_pod_container_status_last_terminated_reason');
    expect(near.target).toBe('sampler-logs');
  });

  it('scheduler with a growing mailbox: queue growth names the process, by registered name', () => {
    const fs = judge(snapshotsOf(fixture('scheduler-mailbox.jsonl')));
    expect(rules(fs)).toEqual([`${SCHEDULER} sampler-queue-growth warning`, `${SCHEDULER} sampler-repeated warning`, `${SCHEDULER} sampler-threshold warning`]);
    const q = fs.find((f) => f.rule === 'sampler-queue-growth')!;
    expect(q.summary).toBe('scheduler pod: process Elixir.CodexPooler.Scheduler.Dispatcher message queue grew 2,400 → 31,000 over 3 snapshots (3 min)');
    expect(q.evidence).toMatchObject({ process: 'Elixir.CodexPooler.Scheduler.Dispatcher', messageQueueLen: 31_000, messageQueueLenFirst: 2_400, snapshots: 3 });
    expect(q.hint).toMatch(/^scheduler pods expose no \/metrics/);
  });

  it('a healthy web pod under a lowered sampler threshold (0.30) gives nothing at the configured 0.70', () => {
    const snaps = snapshotsOf(fixture('web-healthy.jsonl'));
    expect(judge(snaps)).toEqual([]);
    // 12:00 and 12:10 share the 12:00-12:15 window; 12:20 opens the next.
    expect(rules(judge(snaps, { thresholdRatio: 0.3 }))).toEqual(Array(2).fill('codex-pooler-web-6f7c9d8b7-h3j5k sampler-threshold warning'));
  });
});

describe('sampler findings: windows, order and idempotence', () => {
  const snaps = [...snapshotsOf(fixture('worker-oom.log')), ...snapshotsOf(fixture('scheduler-mailbox.jsonl'))];

  it('the same snapshots give the same findings in any order or split into batches (memo carried between)', () => {
    const c = ctx();
    const whole = judge(snaps);
    const reversed = judge([...snaps].reverse());
    expect(reversed).toEqual(whole);
    let memo = mergeSnapshots(undefined, [], c.cfg.retention);
    const split: SamplerFinding[] = [];
    for (const part of [snaps.slice(0, 4), snaps.slice(4)]) {
      memo = mergeSnapshots(memo, part, c.cfg.retention);
      split.push(...samplerFindings(memo, part, c));
    }
    // Batches may each report a (rule, pod, window) they touch; the keys are what notifies, and they match.
    expect(new Set(split.map((f) => samplerBatchKey(f)))).toEqual(new Set(whole.map((f) => samplerBatchKey(f))));
  });

  it('a batch longer than the memo keeps (2 h, one a minute) judges each snapshot as if it came alone', () => {
    const c = ctx();
    const base = snapshotsOf(fixture('worker-oom.log'))[0]!;
    const long = Array.from({ length: 120 }, (_, i) => ({ ...base, ts: base.ts + i * 60_000 }));
    let memo = mergeSnapshots(undefined, [], c.cfg.retention);
    const oneByOne = new Set<string>();
    for (const s1 of long) {
      for (const f of samplerFindings(combineSnapshots(memo, [s1]), [s1], c)) oneByOne.add(samplerBatchKey(f));
      memo = mergeSnapshots(memo, [s1], c.cfg.retention);
    }
    const batch = new Set(judge(long).map((f) => samplerBatchKey(f)));
    expect(batch.size).toBeGreaterThan(8); // a repeat window every 15 minutes for 2 hours
    expect(batch).toEqual(oneByOne);
  });

  it('merging is idempotent: the same snapshots twice leave the same memo', () => {
    const once = mergeSnapshots(undefined, snaps, HOUR);
    expect(mergeSnapshots(once, snaps, HOUR)).toEqual(once);
    expect(JSON.parse(JSON.stringify(once))).toEqual(once);
  });

  it('retention and the per-list cap bound the memo', () => {
    const base = snapshotsOf(fixture('worker-oom.log'))[0]!;
    const many = Array.from({ length: 200 }, (_, i) => ({ ...base, ts: base.ts + i * 60_000, topProcesses: Array(30).fill(base.topProcesses[0]) }));
    const memo = mergeSnapshots(undefined, many, HOUR);
    const kept = memo.pods[WORKER]!.snapshots;
    expect(kept.length).toBe(MEMO_SNAPSHOTS_PER_POD);
    expect(kept[0]!.ts).toBeGreaterThan(many.at(-1)!.ts - HOUR);
    expect(kept.every((s) => s.topProcesses.length === MEMO_TOP_ENTRIES)).toBe(true);
  });

  it('a zero or missing limit falls back to the configured limit (no division by zero)', () => {
    const base = snapshotsOf(fixture('worker-oom.log'))[0]!;
    const zero = { ...base, cgroup: { usage: 800 * MiB, limit: 0 }, limitBytes: 0 };
    const t = judge([zero]).find((f) => f.rule === 'sampler-threshold')!;
    expect(t.evidence.limitBytes).toBe(1024 * MiB);
    expect(judge([zero]).some((f) => f.rule === 'sampler-cgroup-near-limit')).toBe(false);
  });

  it('a new window speaks again', () => {
    const base = snapshotsOf(fixture('worker-oom.log'))[0]!;
    const later = { ...base, ts: base.ts + 20 * 60_000 };
    expect(judge([base, later]).filter((f) => f.rule === 'sampler-threshold').map((f) => new Date(f.windowStart).toISOString())).toEqual([
      '2026-11-24T10:00:00.000Z',
      '2026-11-24T10:15:00.000Z',
    ]);
  });

  it('queue growth follows a name across pids and needs strict growth in each snapshot', () => {
    const base = snapshotsOf(fixture('scheduler-mailbox.jsonl'))[0]!;
    const at = (i: number, len: number, name = 'Elixir.CodexPooler.Scheduler.Dispatcher') => ({ ...base, ts: base.ts + i * 60_000, topQueues: [{ name, messageQueueLen: len }], topProcesses: [] });
    expect(judge([at(0, 100), at(1, 200), at(2, 300)]).some((f) => f.rule === 'sampler-queue-growth')).toBe(true);
    expect(judge([at(0, 100), at(1, 300), at(2, 200)]).some((f) => f.rule === 'sampler-queue-growth')).toBe(false);
    expect(judge([at(0, 100), at(1, 200), at(2, 300, 'Elixir.Other')]).some((f) => f.rule === 'sampler-queue-growth')).toBe(false);
    expect(judge([at(0, 10), at(1, 20), at(2, 30)]).some((f) => f.rule === 'sampler-queue-growth')).toBe(false); // under the minimum length
  });
});

describe('samplerBatch: one routable alert, sanitized, keyed by (rule, pod, window)', () => {
  it('carries only allowlisted labels and fields, source sampler-logs, startsAt the window', () => {
    const f = judge(snapshotsOf(fixture('scheduler-mailbox.jsonl'))).find((x) => x.rule === 'sampler-queue-growth')!;
    const b = samplerBatch(f, { links: { runbook: 'https://runbooks.example/codex-pooler?token=abc123secretvalue' }, sanitize: createSanitizer({ secrets: [] }) });
    expect(b.key).toBe(`sampler:sampler-queue-growth:${SCHEDULER}:2026-11-24T11:00:00.000Z`);
    const { routable, item } = b.alerts[0]!;
    expect(routable).toEqual({ fingerprint: item.fingerprint, status: 'firing', action: 'trigger', severity: 'warning', labels: item.labels });
    expect(item.labels).toEqual({ rule: 'sampler-queue-growth', pod: SCHEDULER, target: 'sampler-logs', severity: 'warning', status: 'firing', source: 'sampler-logs' });
    expect(item.startsAt).toBe('2026-11-24T11:00:00.000Z');
    expect(item.links).toEqual([{ title: 'Runbook', url: 'https://runbooks.example/codex-pooler' }]);
    expect(item.evidence).toContainEqual({ name: 'process', value: 'Elixir.CodexPooler.Scheduler.Dispatcher' });
    expect(samplerBatch(f, { links: {}, sanitize: createSanitizer({ secrets: [] }) }).alerts[0]!.item.fingerprint).toBe(item.fingerprint);
  });
});
