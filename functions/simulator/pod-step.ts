import { podMemory } from './memory.ts';
import { restartPod, type PodNoise, type PodState } from './pod-state.ts';
import { SCENARIO_EFFECTS, type ScenarioName } from './scenarios.ts';
import { accumulateTraffic, CALM, type TrafficConditions } from './traffic.ts';

const MiB = 1024 * 1024;
/** Mean-reversion time of the noise: wobbles last a couple of minutes, like real allocator churn. */
const NOISE_TAU_SEC = 120;
/** Stationary standard deviation of each noise term. */
const NOISE_SIGMA: PodNoise = {
  processes: 3 * MiB,
  binary: 2 * MiB,
  ets: 0.5 * MiB,
  otherSystem: 1 * MiB,
  nonBeam: 2 * MiB,
  cache: 3 * MiB,
  processCount: 80,
  portCount: 8,
};
const NOISE_KEYS = Object.keys(NOISE_SIGMA) as Array<keyof PodNoise>;

/** One integration step for one pod. */
export interface StepContext {
  /** Sim time at the end of the step (ms). */
  tMs: number;
  dtMs: number;
  limit: number;
  /** The scenario acting on this pod during this step (`healthy` for every pod but the leak pod). */
  scenario: ScenarioName;
}

/** Advances one pod by one step: noise, GC sawtooth, scenario, traffic, then the OOM check. */
export function stepPod(pod: PodState, ctx: StepContext): void {
  const dt = ctx.dtMs / 1000;
  const { rng } = pod;

  // Ornstein–Uhlenbeck: x += -x·dt/τ + σ·√(2dt/τ)·N, clamped so coarse steps stay stable.
  const decay = Math.min(1, dt / NOISE_TAU_SEC);
  const kick = Math.sqrt(2 * decay);
  for (const key of NOISE_KEYS) {
    pod.noise[key] += -pod.noise[key] * decay + NOISE_SIGMA[key] * kick * rng.normal();
  }

  // GC sawtooth: binaries and heaps build up, then a collection drops them.
  pod.binarySaw += 0.25 * MiB * dt;
  if (pod.binarySaw >= pod.binarySawPeak) {
    pod.binarySaw = 0;
    pod.binarySawPeak = (15 + 10 * rng.next()) * MiB;
  }
  pod.processesSaw += 0.15 * MiB * dt;
  if (pod.processesSaw >= pod.processesSawPeak) {
    pod.processesSaw = 0;
    pod.processesSawPeak = (6 + 6 * rng.next()) * MiB;
  }

  const conditions = applyScenario(pod, ctx, dt);

  const queueNoise = rng.normal();
  const stress = conditions.stress;
  pod.runQueueCpu = Math.max(0, Math.round(0.4 + 0.8 * queueNoise + pod.leakProcesses / 1_500 + 4 * stress));
  pod.runQueueIo = rng.next() < 0.05 ? 1 : 0;

  accumulateTraffic(pod.traffic, dt, conditions, rng);

  if (podMemory(pod, ctx.limit).workingSet >= ctx.limit) restartPod(pod, ctx.tMs, 'OOMKilled');
}

function applyScenario(pod: PodState, ctx: StepContext, dt: number): TrafficConditions {
  const growth = (perSec: number): number => Math.max(0, perSec * pod.base.leakFactor * dt * (1 + 0.3 * pod.rng.normal()));
  switch (ctx.scenario) {
    case 'healthy':
      return CALM;
    case 'binary-leak':
      pod.leakBinary += growth(SCENARIO_EFFECTS.binaryLeakBytesPerSec);
      return {
        stress: 0,
        oversizedPerSec: SCENARIO_EFFECTS.binaryLeakOversizedPerSec,
        truncatedPerSec: SCENARIO_EFFECTS.binaryLeakTruncatedPerSec,
      };
    case 'non-beam-growth':
      pod.leakNonBeam += growth(SCENARIO_EFFECTS.nonBeamLeakBytesPerSec);
      return CALM;
    case 'process-leak':
      pod.leakProcesses += growth(SCENARIO_EFFECTS.processLeakPerSec);
      return { ...CALM, stress: Math.min(1, pod.leakProcesses / SCENARIO_EFFECTS.processLeakStressAt) };
    case 'restart-loop':
      if (pod.nextCrashAtMs !== undefined && ctx.tMs >= pod.nextCrashAtMs) {
        restartPod(pod, ctx.tMs, 'Error');
        const jitter = SCENARIO_EFFECTS.restartLoopJitterMs * (2 * pod.rng.next() - 1);
        pod.nextCrashAtMs = ctx.tMs + SCENARIO_EFFECTS.restartLoopPeriodMs + jitter;
      }
      return CALM;
    case 'page-cache-heavy':
      pod.cacheBoost = Math.min(1, pod.cacheBoost + ctx.dtMs / SCENARIO_EFFECTS.pageCacheRampMs);
      return CALM;
  }
}
