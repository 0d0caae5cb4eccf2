import * as z from 'zod';
import { DEFAULT_START_MS } from './clock.ts';
import { clearScenarioEffects, createPodState, type PodState } from './pod-state.ts';
import { podMemory, type PodMemory } from './memory.ts';
import { stepPod } from './pod-step.ts';
import { SCENARIO_EFFECTS, SCENARIOS, type ScenarioName } from './scenarios.ts';
import { accumulateTraffic, CALM } from './traffic.ts';

/** Fixed integration step: results do not depend on how often the simulator is scraped. */
export const STEP_MS = 5_000;
/** Beyond this many steps in one advance, steps get coarser (multiples of STEP_MS) to stay fast. */
export const MAX_STEPS_PER_ADVANCE = 20_000;

/** Options of the pure model (the HTTP-only options of `SimulatorOptions` are not here). */
export const ModelOptions = z.object({
  pods: z.number().int().min(1).max(64).default(3),
  scenario: z.enum(SCENARIOS as [ScenarioName, ...ScenarioName[]]).default('healthy'),
  leakPod: z.number().int().min(0).default(0),
  seed: z.number().int().default(42),
  memoryLimitBytes: z.number().int().positive().default(1_073_741_824),
  /** Sim time at creation (ms since epoch); the scenario counts as switched on at this instant. */
  startMs: z.number().finite().default(DEFAULT_START_MS),
});
export type ModelOptions = z.input<typeof ModelOptions>;

/** The simulated deployment: pods advanced in fixed steps of sim time. */
export interface SimModel {
  readonly pods: readonly PodState[];
  readonly limit: number;
  readonly leakPod: number;
  /** Sim time the model has been advanced to (a multiple of STEP_MS after `startMs`). */
  readonly timeMs: number;
  readonly scenario: ScenarioName;
  /** When the current scenario started acting on the leak pod. */
  readonly switchedAtMs: number;
  /** Steps the model forward to `ms`; going backwards is ignored. */
  advanceTo(ms: number): void;
  /** Switches scenario at `atMs` (default: the model's time) after advancing to it. Clears the leak pod's previous leak. */
  setScenario(name: ScenarioName, atMs?: number): void;
  /** The memory picture of pod `index` at `timeMs`. */
  memory(index: number): PodMemory;
}

export function createModel(options: ModelOptions = {}): SimModel {
  const opts = ModelOptions.parse(options);
  if (opts.leakPod >= opts.pods) {
    throw new RangeError(`leakPod ${opts.leakPod} is out of range for ${opts.pods} pods`);
  }
  const pods = Array.from({ length: opts.pods }, (_, i) => createPodState(i, opts.seed, opts.startMs));
  for (const pod of pods) {
    // Counters consistent with the uptime the pod already has when sim time starts.
    accumulateTraffic(pod.traffic, (opts.startMs - pod.startedAtMs) / 1000, CALM);
  }
  let timeMs = opts.startMs;
  let scenario: ScenarioName = opts.scenario;
  let switchedAtMs = opts.startMs;
  const leakPodState = pods[opts.leakPod]!;
  const armScenario = (): void => {
    clearScenarioEffects(leakPodState);
    if (scenario === 'restart-loop') leakPodState.nextCrashAtMs = switchedAtMs + SCENARIO_EFFECTS.restartLoopPeriodMs;
  };
  armScenario();

  const advanceTo = (ms: number): void => {
    const gap = ms - timeMs;
    if (!(gap >= STEP_MS)) return;
    let dtMs = STEP_MS;
    if (gap / STEP_MS > MAX_STEPS_PER_ADVANCE) dtMs = Math.ceil(gap / STEP_MS / MAX_STEPS_PER_ADVANCE) * STEP_MS;
    const steps = Math.floor(gap / dtMs);
    for (let s = 0; s < steps; s++) {
      timeMs += dtMs;
      for (const pod of pods) {
        const acting = pod.index === opts.leakPod && timeMs > switchedAtMs ? scenario : 'healthy';
        stepPod(pod, { tMs: timeMs, dtMs, limit: opts.memoryLimitBytes, scenario: acting });
      }
    }
  };

  return {
    pods,
    limit: opts.memoryLimitBytes,
    leakPod: opts.leakPod,
    get timeMs() {
      return timeMs;
    },
    get scenario() {
      return scenario;
    },
    get switchedAtMs() {
      return switchedAtMs;
    },
    advanceTo,
    setScenario(name: ScenarioName, atMs: number = timeMs) {
      if (!SCENARIOS.includes(name)) throw new RangeError(`unknown scenario ${String(name)}`);
      advanceTo(atMs);
      scenario = name;
      switchedAtMs = Math.max(atMs, timeMs);
      armScenario();
    },
    memory(index: number) {
      const pod = pods[index];
      if (!pod) throw new RangeError(`no pod ${index}`);
      return podMemory(pod, opts.memoryLimitBytes);
    },
  };
}
