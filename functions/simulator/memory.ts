import { SCENARIO_EFFECTS } from './scenarios.ts';
import type { PodState } from './pod-state.ts';

const MiB = 1024 * 1024;
/** Page cache the kernel keeps even under pressure, so working set only meets the limit when RSS does. */
const RECLAIM_RESERVE = 16 * MiB;
const HEALTHY_ACTIVE_FILE_RATIO = 0.4;

/** One pod's memory picture at the model's current time, in bytes (counts for the *Count fields). */
export interface PodMemory {
  processes: number;
  binary: number;
  ets: number;
  code: number;
  atom: number;
  atomUsed: number;
  /** As in erlang:memory(): includes binary, ets, code and atom. */
  system: number;
  /** processes + system. */
  total: number;
  /** NIFs, mmap, allocator fragmentation: what the cgroup sees that BEAM total does not. */
  nonBeam: number;
  rss: number;
  cache: number;
  workingSet: number;
  /** rss + cache, like cgroup v1 usage_in_bytes. */
  usage: number;
  limit: number;
  processCount: number;
  portCount: number;
  atomCount: number;
}

/** Derives the memory picture from the state. Pure: rendering and the OOM check see the same numbers. */
export function podMemory(pod: PodState, limit: number): PodMemory {
  const { base, noise } = pod;
  // Rounded once here so that total = processes + system holds exactly in the output.
  const processes = Math.round(
    atLeast(base.processes + pod.processesSaw + noise.processes, 8 * MiB) +
      pod.leakProcesses * SCENARIO_EFFECTS.processLeakBytesEach,
  );
  const binary = Math.round(atLeast(base.binary + pod.binarySaw + noise.binary, 4 * MiB) + pod.leakBinary);
  const ets = Math.round(atLeast(base.ets + noise.ets, 4 * MiB));
  const code = Math.round(base.code);
  const atomCount = base.atomCount;
  // The atom table is preallocated in chunks: "atom" is a bit larger than "atom_used".
  const atomUsed = 24 * atomCount;
  const atom = Math.ceil((atomUsed + 32 * 1024) / 65_536) * 65_536;
  const otherSystem = Math.round(atLeast(base.otherSystem + noise.otherSystem, 8 * MiB));
  const system = binary + ets + code + atom + otherSystem;
  const total = processes + system;
  const nonBeam = Math.round(atLeast(base.nonBeam + noise.nonBeam, 16 * MiB) + pod.leakNonBeam);
  const rss = total + nonBeam;

  const healthyCache = atLeast(base.cache + noise.cache, 8 * MiB);
  const heavyCache = Math.max(
    healthyCache,
    (SCENARIO_EFFECTS.pageCacheWorkingSetRatio * limit - rss) / SCENARIO_EFFECTS.pageCacheActiveRatio,
  );
  const wantedCache = healthyCache + pod.cacheBoost * (heavyCache - healthyCache);
  // Under pressure the kernel reclaims page cache before it OOM-kills anything.
  const cache = Math.round(Math.max(0, Math.min(wantedCache, limit - rss - RECLAIM_RESERVE)));
  const activeRatio =
    HEALTHY_ACTIVE_FILE_RATIO + pod.cacheBoost * (SCENARIO_EFFECTS.pageCacheActiveRatio - HEALTHY_ACTIVE_FILE_RATIO);
  const workingSet = Math.round(rss + activeRatio * cache);

  return {
    processes,
    binary,
    ets,
    code,
    atom,
    atomUsed,
    system,
    total,
    nonBeam,
    rss,
    cache,
    workingSet,
    usage: rss + cache,
    limit,
    processCount: Math.max(100, Math.round(base.processCount + noise.processCount + pod.leakProcesses)),
    portCount: Math.max(10, Math.round(base.portCount + noise.portCount + pod.leakProcesses / 50)),
    atomCount,
  };
}

function atLeast(value: number, min: number): number {
  return Math.max(min, value);
}
