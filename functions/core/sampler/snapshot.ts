import * as z from 'zod';

/**
 * One memory sampler snapshot, normalised: exactly the fields the runbook says the sampler logs (role metadata,
 * memory categories, cgroup memory stats, process and port counts, top processes by memory and by message queue
 * length, top ETS tables by memory). This is the allowlist: nothing else from a log line is ever kept or forwarded.
 * Byte figures are plain numbers; absent means the line did not say.
 */
export interface SamplerSnapshot {
  pod: string;
  /** `web`, `worker`, `scheduler`, … (lower case), `unknown` when neither the line nor the pod name says. */
  role: string;
  node?: string;
  /** ms since the epoch. */
  ts: number;
  memory: MemoryCategories;
  cgroup: CgroupStats;
  processCount?: number;
  portCount?: number;
  /** Top processes by memory, as the sampler ranked them. */
  topProcesses: ProcessEntry[];
  /** Top processes by message queue length. */
  topQueues: ProcessEntry[];
  topEts: EtsEntry[];
  /** The sampler's own settings, when it logs them. */
  thresholdRatio?: number;
  limitBytes?: number;
}

export interface MemoryCategories {
  total?: number;
  processes?: number;
  binary?: number;
  ets?: number;
  code?: number;
  atom?: number;
  system?: number;
}

export interface CgroupStats {
  usage?: number;
  /** Absent when the cgroup reports none or "unlimited" (cgroup v1's ~2^63, v2's `max`). */
  limit?: number;
  rss?: number;
  cache?: number;
  workingSet?: number;
}

/** A process, named by its registered name, else its initial call, else its pid (already sanitized and capped). */
export interface ProcessEntry {
  name: string;
  memory?: number;
  messageQueueLen?: number;
}

export interface EtsEntry {
  name: string;
  memory: number;
}

/** Largest byte figure taken at face value (8 PiB); beyond it a line is rejected as absurd. */
export const MAX_BYTES = 2 ** 53;
/** cgroup limits at or above this mean "unlimited". */
export const UNLIMITED_BYTES = 2 ** 60;
/** Entries kept per top list of one line (the sampler's default is 20). */
export const MAX_TOP_ENTRIES = 100;

const numeric = (v: unknown): unknown => (typeof v === 'string' && /^\s*\d+(\.\d+)?([eE]\+?\d+)?\s*$/.test(v) ? Number(v) : v);
const bytes = z.preprocess(numeric, z.number().nonnegative().max(MAX_BYTES).transform(Math.round));
const count = z.preprocess(numeric, z.number().int().nonnegative().max(1e12));
const limit = z.preprocess((v) => (v === 'max' || v === 'infinity' ? UNLIMITED_BYTES : numeric(v)), z.number().nonnegative().transform((n) => (n >= UNLIMITED_BYTES ? undefined : Math.round(n))));

/** Kubernetes pod names are DNS subdomains: anything else in a `pod` field is not a pod (and may be anything). */
export const POD_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

const Entry = z.object({ name: z.string().min(1), memory: bytes.optional(), messageQueueLen: count.optional() });
const Ets = z.object({ name: z.string().min(1), memory: bytes });

/**
 * The canonical input (after a line's aliases are mapped, see normalize.ts), validated. `z.object` strips what it
 * does not know, so an unknown field can never reach an alert.
 */
export const SnapshotInput = z.object({
  pod: z.string().regex(POD_NAME, 'not a Kubernetes pod name'),
  role: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'not a role name'),
  node: z.string().min(1).max(253).optional(),
  ts: z.number().int().min(Date.UTC(2000, 0, 1)).max(Date.UTC(2200, 0, 1)),
  memory: z.object({ total: bytes.optional(), processes: bytes.optional(), binary: bytes.optional(), ets: bytes.optional(), code: bytes.optional(), atom: bytes.optional(), system: bytes.optional() }),
  cgroup: z.object({ usage: bytes.optional(), limit: limit.optional(), rss: bytes.optional(), cache: bytes.optional(), workingSet: bytes.optional() }),
  processCount: count.optional(),
  portCount: count.optional(),
  topProcesses: z.array(Entry).max(MAX_TOP_ENTRIES),
  topQueues: z.array(Entry).max(MAX_TOP_ENTRIES),
  topEts: z.array(Ets).max(MAX_TOP_ENTRIES),
  thresholdRatio: z.preprocess(numeric, z.number().gt(0).lte(1)).optional(),
  limitBytes: limit.optional(),
});

/** Drops the keys zod left as `undefined` (an unlimited cgroup limit), so snapshots compare and serialise cleanly. */
export function compact<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
