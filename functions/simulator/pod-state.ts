import { createPrng, podSeed, type Prng } from './prng.ts';
import { createHistogram, resetHistogram, type HistogramState } from './histogram.ts';
import {
  ADMISSION_QUEUE_BUCKETS,
  ADMISSION_SERIES,
  HTTP_DURATION_BUCKETS,
  HTTP_METHODS,
  HTTP_SERIES,
  REPO_SERIES,
  REPO_TIME_BUCKETS,
} from './traffic-catalog.ts';

const MiB = 1024 * 1024;

export type TerminationReason = 'OOMKilled' | 'Error';

/** Per-pod constants drawn once from the seed: pods differ a little, like real replicas. Bytes unless named. */
export interface PodBaseline {
  processes: number;
  binary: number;
  ets: number;
  code: number;
  otherSystem: number;
  nonBeam: number;
  cache: number;
  processCount: number;
  portCount: number;
  atomCount: number;
  /** Multiplies every scenario leak rate (0.95–1.05). */
  leakFactor: number;
}

/** Mean-reverting noise offsets (bytes or counts), one per wobbling quantity. */
export interface PodNoise {
  processes: number;
  binary: number;
  ets: number;
  otherSystem: number;
  nonBeam: number;
  cache: number;
  processCount: number;
  portCount: number;
}

/** Counters since container start; floats, rendered floored. Arrays follow the traffic catalog's order. */
export interface PodTraffic {
  http: Float64Array;
  httpDuration: HistogramState[];
  admission: { enqueued: Float64Array; accepted: Float64Array; rejected: Float64Array; timedOut: Float64Array };
  admissionQueue: HistogramState[];
  streamOversized: number;
  streamTruncated: number;
  repo: Float64Array;
  repoTime: HistogramState[];
  repoQueue: HistogramState[];
}

/** Everything that changes about one pod as sim time passes. */
export interface PodState {
  index: number;
  name: string;
  rng: Prng;
  base: PodBaseline;
  noise: PodNoise;
  startedAtMs: number;
  restarts: number;
  lastReason: TerminationReason | undefined;
  /** GC sawtooth: current height and the height at which the next collection drops it. */
  binarySaw: number;
  binarySawPeak: number;
  processesSaw: number;
  processesSawPeak: number;
  /** Scenario-induced state: cleared by a restart or a scenario switch. */
  leakBinary: number;
  leakNonBeam: number;
  leakProcesses: number;
  cacheBoost: number;
  nextCrashAtMs: number | undefined;
  runQueueCpu: number;
  runQueueIo: number;
  traffic: PodTraffic;
}

export function podName(index: number): string {
  return `codex-pooler-app-${index}`;
}

/** A pod that has been up for a few hours when sim time starts, counters consistent with that uptime. */
export function createPodState(index: number, seed: number, startMs: number): PodState {
  const rng = createPrng(podSeed(seed, index));
  const jitter = (spread: number): number => 1 + spread * (2 * rng.next() - 1);
  const base: PodBaseline = {
    processes: 95 * MiB * jitter(0.06),
    binary: 38 * MiB * jitter(0.1),
    ets: 28 * MiB * jitter(0.05),
    code: 42 * MiB * jitter(0.01),
    otherSystem: 58 * MiB * jitter(0.05),
    nonBeam: 75 * MiB * jitter(0.12),
    cache: 75 * MiB * jitter(0.25),
    processCount: Math.round(3000 * jitter(0.15)),
    portCount: Math.round(200 * jitter(0.25)),
    atomCount: Math.round(52_000 * jitter(0.1)),
    leakFactor: jitter(0.05),
  };
  const pod: PodState = {
    index,
    name: podName(index),
    rng,
    base,
    noise: { processes: 0, binary: 0, ets: 0, otherSystem: 0, nonBeam: 0, cache: 0, processCount: 0, portCount: 0 },
    startedAtMs: startMs - (6 * 3_600_000 + index * 17 * 60_000),
    restarts: 0,
    lastReason: undefined,
    binarySaw: 0,
    binarySawPeak: 20 * MiB,
    processesSaw: 0,
    processesSawPeak: 10 * MiB,
    leakBinary: 0,
    leakNonBeam: 0,
    leakProcesses: 0,
    cacheBoost: 0,
    nextCrashAtMs: undefined,
    runQueueCpu: 0,
    runQueueIo: 0,
    traffic: createTraffic(),
  };
  return pod;
}

function createTraffic(): PodTraffic {
  const n = ADMISSION_SERIES.length;
  return {
    http: new Float64Array(HTTP_SERIES.length),
    httpDuration: HTTP_METHODS.map(() => createHistogram(HTTP_DURATION_BUCKETS)),
    admission: {
      enqueued: new Float64Array(n),
      accepted: new Float64Array(n),
      rejected: new Float64Array(n),
      timedOut: new Float64Array(n),
    },
    admissionQueue: ADMISSION_SERIES.map(() => createHistogram(ADMISSION_QUEUE_BUCKETS)),
    streamOversized: 0,
    streamTruncated: 0,
    repo: new Float64Array(REPO_SERIES.length),
    repoTime: REPO_SERIES.map(() => createHistogram(REPO_TIME_BUCKETS)),
    repoQueue: REPO_SERIES.map(() => createHistogram(REPO_TIME_BUCKETS)),
  };
}

/** Clears the scenario's accumulated effect (a restart frees it; so does switching scenario). */
export function clearScenarioEffects(pod: PodState): void {
  pod.leakBinary = 0;
  pod.leakNonBeam = 0;
  pod.leakProcesses = 0;
  pod.cacheBoost = 0;
  pod.nextCrashAtMs = undefined;
}

/** The container dies and comes straight back: fresh BEAM, counters from zero, kube-state remembers why. */
export function restartPod(pod: PodState, atMs: number, reason: TerminationReason): void {
  pod.restarts += 1;
  pod.lastReason = reason;
  pod.startedAtMs = atMs;
  pod.binarySaw = 0;
  pod.processesSaw = 0;
  pod.leakBinary = 0;
  pod.leakNonBeam = 0;
  pod.leakProcesses = 0;
  const t = pod.traffic;
  t.http.fill(0);
  t.httpDuration.forEach(resetHistogram);
  t.admission.enqueued.fill(0);
  t.admission.accepted.fill(0);
  t.admission.rejected.fill(0);
  t.admission.timedOut.fill(0);
  t.admissionQueue.forEach(resetHistogram);
  t.streamOversized = 0;
  t.streamTruncated = 0;
  t.repo.fill(0);
  t.repoTime.forEach(resetHistogram);
  t.repoQueue.forEach(resetHistogram);
}
