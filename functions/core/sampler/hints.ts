import { HINTS } from '../heuristics/hints.ts';
import { fmtMiB } from '../heuristics/common.ts';
import type { SamplerSnapshot } from './snapshot.ts';

/**
 * The runbook's next step for a snapshot (codex-pooler-monitoring.md, "Memory sampler logs" and "Read the dashboard
 * as a correlation view"): by role, then by what holds the memory, naming the top process and ETS table.
 */
export function samplerHint(s: SamplerSnapshot, focus?: string): string {
  const parts: string[] = [];
  parts.push(
    s.role === 'worker' || s.role === 'scheduler'
      ? `${s.role} pods expose no /metrics and these logs are the only in-process signal: combine this snapshot with Kubernetes cgroup memory, restart, OOM and memory-limit metrics (PromQL below)`
      : 'compare this snapshot with the pod\'s BEAM memory series and its cgroup memory (PromQL below)',
  );
  if (focus) parts.push(focus);
  const category = largestCategory(s);
  if (category === 'binary') parts.push(HINTS.binary);
  else if (category === 'ets') parts.push(HINTS.ets);
  else if (category === 'processes') parts.push(HINTS.processes);
  const usage = s.cgroup.workingSet ?? s.cgroup.usage;
  if (usage !== undefined && s.memory.total !== undefined && usage - s.memory.total > 0.25 * usage) parts.push(`cgroup memory exceeds BEAM total by ${fmtMiB(usage - s.memory.total)}: ${HINTS.nonBeam}`);
  const top = [
    s.topProcesses[0]?.memory !== undefined ? `top process ${s.topProcesses[0].name} (${fmtMiB(s.topProcesses[0].memory)})` : undefined,
    s.topEts[0] ? `ETS table ${s.topEts[0].name} (${fmtMiB(s.topEts[0].memory)})` : undefined,
  ].filter(Boolean);
  if (top.length > 0) parts.push(`inspect ${top.join(' and ')}`);
  return parts.join('; ');
}

function largestCategory(s: SamplerSnapshot): 'binary' | 'ets' | 'processes' | undefined {
  const m = s.memory;
  const ranked = (
    [
      ['binary', m.binary],
      ['ets', m.ets],
      ['processes', m.processes],
    ] as const
  ).filter((e): e is readonly ['binary' | 'ets' | 'processes', number] => e[1] !== undefined);
  const best = [...ranked].sort((a, b) => b[1] - a[1])[0];
  return best && m.total !== undefined && best[1] >= 0.3 * m.total ? best[0] : undefined;
}
