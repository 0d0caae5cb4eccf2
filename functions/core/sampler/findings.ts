import type { MetricNames, RunbookSelectors } from '../../config/metric-names.ts';
import type { SamplerLogs } from '../../config/sampler.ts';
import { fmtMiB, fmtPct, round } from '../heuristics/common.ts';
import { lastReasonQuery, memoryRatioQuery, restartsQuery } from '../heuristics/promql.ts';
import { defaultThresholds } from '../heuristics/thresholds.ts';
import type { EvalContext } from '../heuristics/types.ts';
import type { Evidence, Finding } from '../types.ts';
import { samplerHint } from './hints.ts';
import { historyAt, type SamplerMemo } from './memo.ts';
import type { SamplerSnapshot } from './snapshot.ts';

/** Sampler findings are events from logs: their target is the log stream, not a scrape target. */
export const SAMPLER_TARGET = 'sampler-logs';

export type SamplerRule = 'sampler-threshold' | 'sampler-cgroup-near-limit' | 'sampler-queue-growth' | 'sampler-repeated';

/** A finding from a snapshot, with the window it belongs to: a rule speaks once per pod per window. */
export interface SamplerFinding extends Finding {
  rule: SamplerRule;
  role: string;
  /** Start of the `repeatWindow` the snapshot falls in (ms): with rule and pod, the idempotency key. */
  windowStart: number;
  /** Time of the snapshot the finding was made from (ms). */
  snapshotAt: number;
}

/** What the rules read besides the snapshots: the config section, and names and selectors for the PromQL. */
export interface SamplerContext {
  cfg: SamplerLogs;
  names: MetricNames;
  selectors: RunbookSelectors;
}

type Draft = Omit<SamplerFinding, 'pod' | 'target' | 'role' | 'windowStart' | 'snapshotAt' | 'promql'>;

/**
 * The findings of `snapshots` (just ingested), each judged against its pod's history in `memo` up to its own time
 * (the memo must already hold them: see `combineSnapshots`). Pure and order-independent: the same snapshots give
 * the same findings whichever file or batch they came in. One finding per (rule, pod, window): the latest.
 */
export function samplerFindings(memo: SamplerMemo, snapshots: readonly SamplerSnapshot[], ctx: SamplerContext): SamplerFinding[] {
  const best = new Map<string, SamplerFinding>();
  for (const s of snapshots) {
    const history = historyAt(memo, s, ctx.cfg.retention);
    const drafts = [threshold(s, ctx.cfg), nearLimit(s, ctx.cfg), queueGrowth(history, ctx.cfg), repeated(history, ctx.cfg)];
    for (const d of drafts) {
      if (!d) continue;
      const f = complete(d, s, ctx);
      const key = JSON.stringify([f.rule, f.pod, f.windowStart]);
      const seen = best.get(key);
      if (!seen || seen.snapshotAt < f.snapshotAt) best.set(key, f);
    }
  }
  return [...best.values()].sort((a, b) => a.windowStart - b.windowStart || a.pod.localeCompare(b.pod) || a.rule.localeCompare(b.rule));
}

function complete(d: Draft, s: SamplerSnapshot, ctx: SamplerContext): SamplerFinding {
  const window = ctx.cfg.repeatWindow;
  const evalCtx: EvalContext = { now: s.ts, names: ctx.names, selectors: ctx.selectors, thresholds: defaultThresholds, targets: {} };
  // The runbook's working set against the limit and restarts over 15 minutes; near the limit, the OOM reason too.
  const queries = [memoryRatioQuery(evalCtx, s.pod), restartsQuery(evalCtx, s.pod, 15), ...(d.rule === 'sampler-cgroup-near-limit' ? [lastReasonQuery(evalCtx, s.pod)] : [])];
  return {
    rule: d.rule,
    severity: d.severity,
    pod: s.pod,
    target: SAMPLER_TARGET,
    role: s.role,
    summary: d.summary,
    evidence: { role: s.role, snapshotAt: new Date(s.ts).toISOString(), ...d.evidence },
    hint: d.hint,
    promql: queries.join('\n\n'),
    windowStart: Math.floor(s.ts / window) * window,
    snapshotAt: s.ts,
  };
}

/** The limit a snapshot is judged against; a zero limit means "none reported", never a division by zero. */
const limitOf = (s: SamplerSnapshot, cfg: SamplerLogs): number => s.cgroup.limit || s.limitBytes || cfg.limitBytes;

function memoryEvidence(s: SamplerSnapshot): Evidence {
  const e: Evidence = {};
  const put = (k: string, v: number | undefined) => {
    if (v !== undefined) e[k] = v;
  };
  put('beamTotalBytes', s.memory.total);
  put('processesBytes', s.memory.processes);
  put('binaryBytes', s.memory.binary);
  put('etsBytes', s.memory.ets);
  put('cgroupUsageBytes', s.cgroup.usage);
  put('cgroupWorkingSetBytes', s.cgroup.workingSet);
  put('cgroupRssBytes', s.cgroup.rss);
  put('cgroupCacheBytes', s.cgroup.cache);
  put('processCount', s.processCount);
  put('portCount', s.portCount);
  const p = s.topProcesses[0];
  if (p) {
    e.topProcess = p.name;
    put('topProcessMemoryBytes', p.memory);
  }
  const t = s.topEts[0];
  if (t) {
    e.topEtsTable = t.name;
    e.topEtsTableMemoryBytes = t.memory;
  }
  return e;
}

/** `sampler-threshold` (warning): BEAM total or cgroup usage at or over the threshold share of the limit. */
function threshold(s: SamplerSnapshot, cfg: SamplerLogs): Draft | undefined {
  const limit = limitOf(s, cfg);
  const usage = s.cgroup.usage ?? s.cgroup.workingSet;
  const candidates = [
    ...(s.memory.total !== undefined ? [{ what: 'BEAM total', bytes: s.memory.total }] : []),
    ...(usage !== undefined ? [{ what: 'cgroup usage', bytes: usage }] : []),
  ];
  const top = candidates.sort((a, b) => b.bytes - a.bytes)[0];
  if (!top || top.bytes / limit < cfg.thresholdRatio) return undefined;
  return {
    rule: 'sampler-threshold',
    severity: 'warning',
    summary: `${s.role} pod: ${top.what} ${fmtMiB(top.bytes)} is ${fmtPct(top.bytes / limit)} of ${fmtMiB(limit)} (sampler threshold ${fmtPct(cfg.thresholdRatio)})`,
    evidence: { limitBytes: limit, thresholdRatio: cfg.thresholdRatio, peakRatio: round(top.bytes / limit), ...memoryEvidence(s) },
    hint: samplerHint(s),
  };
}

/**
 * `sampler-cgroup-near-limit` (critical): the cgroup is close to the limit the kernel OOM-kills at. Judged on RSS
 * when the snapshot has it (page cache is reclaimed before an OOM kill), else on the working set, else usage.
 */
function nearLimit(s: SamplerSnapshot, cfg: SamplerLogs): Draft | undefined {
  const limit = s.cgroup.limit;
  if (limit === undefined || limit === 0) return undefined;
  const basis = s.cgroup.rss !== undefined ? { what: 'RSS', bytes: s.cgroup.rss } : s.cgroup.workingSet !== undefined ? { what: 'working set', bytes: s.cgroup.workingSet } : s.cgroup.usage !== undefined ? { what: 'usage', bytes: s.cgroup.usage } : undefined;
  if (!basis || basis.bytes / limit < cfg.nearLimitRatio) return undefined;
  return {
    rule: 'sampler-cgroup-near-limit',
    severity: 'critical',
    summary: `${s.role} pod: cgroup ${basis.what} ${fmtMiB(basis.bytes)} is ${fmtPct(basis.bytes / limit)} of the ${fmtMiB(limit)} limit: an OOM kill is close`,
    evidence: { cgroupLimitBytes: limit, nearLimitRatio: cfg.nearLimitRatio, peakRatio: round(basis.bytes / limit), ...memoryEvidence(s) },
    hint: samplerHint(s, 'the pod is close to an OOM kill: its last snapshot before a kill is in these logs; check the restart and last-terminated-reason queries'),
  };
}

/** The longest queue a snapshot lists for a process identity (several processes may share an initial call). */
function queueOf(s: SamplerSnapshot, name: string): number | undefined {
  let best: number | undefined;
  for (const e of [...s.topQueues, ...s.topProcesses]) {
    if (e.name === name && e.messageQueueLen !== undefined) best = Math.max(best ?? 0, e.messageQueueLen);
  }
  return best;
}

/**
 * `sampler-queue-growth` (warning): the same process (by registered name or initial call, not pid) has a message
 * queue that grew in each of the last `queueGrowthSnapshots` snapshots of the pod, ending at `queueGrowthMinLength`
 * or more: its mailbox is outpaced, and a mailbox holds memory until the process catches up or dies.
 */
function queueGrowth(history: readonly SamplerSnapshot[], cfg: SamplerLogs): Draft | undefined {
  const k = cfg.queueGrowthSnapshots;
  if (history.length < k) return undefined;
  const last = history.slice(-k);
  const s = last[k - 1]!;
  let found: { name: string; lens: number[] } | undefined;
  for (const name of new Set(s.topQueues.map((e) => e.name))) {
    const lens = last.map((x) => queueOf(x, name));
    if (lens.some((l) => l === undefined)) continue;
    const ls = lens as number[];
    if (!ls.every((l, i) => i === 0 || l > ls[i - 1]!) || ls[k - 1]! < cfg.queueGrowthMinLength) continue;
    if (!found || ls[k - 1]! > found.lens[k - 1]!) found = { name, lens: ls };
  }
  if (!found) return undefined;
  const first = found.lens[0]!;
  const now = found.lens[k - 1]!;
  const minutes = Math.max((s.ts - last[0]!.ts) / 60_000, 1 / 60);
  return {
    rule: 'sampler-queue-growth',
    severity: 'warning',
    summary: `${s.role} pod: process ${found.name} message queue grew ${first.toLocaleString('en-US')} → ${now.toLocaleString('en-US')} over ${k} snapshots (${Math.round(minutes)} min)`,
    evidence: { process: found.name, messageQueueLen: now, messageQueueLenFirst: first, snapshots: k, growthPerMinute: round((now - first) / minutes, 1), ...memoryEvidence(s) },
    hint: samplerHint(s, `process ${found.name} receives messages faster than it handles them: find what sends to it (a stuck dependency, an unbounded producer) before its mailbox takes the pod's memory`),
  };
}

/** `sampler-repeated` (warning): `repeatCount` snapshots within `repeatWindow`: the pressure is sustained, not a blip. */
function repeated(history: readonly SamplerSnapshot[], cfg: SamplerLogs): Draft | undefined {
  const s = history[history.length - 1]!;
  const within = history.filter((x) => x.ts > s.ts - cfg.repeatWindow);
  if (within.length < cfg.repeatCount) return undefined;
  const minutes = Math.round(cfg.repeatWindow / 60_000);
  return {
    rule: 'sampler-repeated',
    severity: 'warning',
    summary: `${s.role} pod: ${within.length} sampler snapshots within ${minutes} min: memory pressure is sustained`,
    evidence: { snapshots: within.length, windowMinutes: minutes, ...memoryEvidence(s) },
    hint: samplerHint(s, 'the sampler keeps logging, so memory stays over its threshold: compare the snapshots for what keeps growing'),
  };
}
