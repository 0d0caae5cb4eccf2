import { exceedsJsonDepth } from '../json-depth.ts';
import { MAX_TOP_ENTRIES } from './snapshot.ts';

/** A field source: a parsed JSON object (maybe with a LoggerJSON-style `metadata` object) or key=value strings. */
export type RawRecord = Readonly<Record<string, unknown>>;

/** What the caller knows about a line besides its fields: an envelope's or the transport's pod, node and time. */
export interface LineDefaults {
  pod?: string;
  node?: string;
  ts?: number;
}

/** Cleans a process, ETS table or node name: the sanitizer, a character allowlist and a length cap. */
export type NameCleaner = (raw: string) => string;

const own = (o: RawRecord, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);

function isObject(v: unknown): v is RawRecord {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The first present value among `keys`, in the record itself and then in its `metadata` object. */
function lookup(rec: RawRecord, ...keys: string[]): unknown {
  const meta = own(rec, 'metadata');
  for (const scope of isObject(meta) ? [rec, meta] : [rec]) {
    for (const k of keys) {
      const v = own(scope, k);
      if (v !== undefined && v !== null && v !== '') return v;
    }
  }
  return undefined;
}

function nested(rec: RawRecord, key: string): RawRecord {
  const v = lookup(rec, key);
  return isObject(v) ? v : {};
}

/** A byte/count figure from a nested object or a flat key, as found (the schema coerces and checks it). */
function figure(obj: RawRecord, nestedKeys: string[], rec: RawRecord, flatKeys: string[]): unknown {
  for (const k of nestedKeys) {
    const v = own(obj, k);
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return lookup(rec, ...flatKeys);
}

/** Epoch seconds, ms, µs or ns, or an ISO-8601 string → ms; undefined if it is none of those. */
export function toEpochMs(v: unknown): number | undefined {
  let n: number | undefined;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v.trim())) n = Number(v);
  else if (typeof v === 'string' && /^\d{4}-\d\d-\d\d[T ]\d\d:\d\d/.test(v)) {
    const ms = Date.parse(v.replace(' ', 'T'));
    return Number.isFinite(ms) ? ms : undefined;
  }
  if (n === undefined || !Number.isFinite(n) || n < 0) return undefined;
  if (n < 1e11) return Math.round(n * 1000);
  if (n < 1e14) return Math.round(n);
  if (n < 1e17) return Math.round(n / 1e3);
  return Math.round(n / 1e6);
}

const NO_NAME = new Set(['', '[]', 'nil', 'null', 'undefined', ':undefined']);

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return NO_NAME.has(v.trim()) ? undefined : v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** `{M, F, A}` printed as `M.F/A`; a string as it is. */
function mfa(v: unknown): string | undefined {
  if (Array.isArray(v) && v.length === 3) {
    const [m, f, a] = v.map((x) => str(x));
    if (m && f && a) return `${m}.${f}/${a}`;
  }
  return str(v);
}

/**
 * The process's identity, stable across snapshots: its registered name, else its initial call (so a queue that
 * grows is followed even if the process restarts under a new pid), else the pid as a last resort.
 */
function processName(e: RawRecord): string | undefined {
  return str(own(e, 'registered_name')) ?? str(own(e, 'name')) ?? str(own(e, 'label')) ?? mfa(own(e, 'initial_call')) ?? mfa(own(e, 'current_function')) ?? str(own(e, 'pid'));
}

/** A top list: a JSON array, or (key=value lines) the JSON text of one. `undefined` when it cannot be read. */
function list(v: unknown): unknown[] | undefined {
  if (v === undefined) return [];
  if (Array.isArray(v)) return v;
  if (typeof v !== 'string') return undefined;
  const text = v.trim();
  if (text === '' || text === '[]') return [];
  if (!text.startsWith('[') || exceedsJsonDepth(text, 8)) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

type Normalized = { ok: true; input: Record<string, unknown> } | { ok: false; reason: string };

function processes(v: unknown, clean: NameCleaner): Array<Record<string, unknown>> | undefined {
  const items = list(v);
  if (!items) return undefined;
  return items.slice(0, MAX_TOP_ENTRIES).flatMap((e) => {
    if (!isObject(e)) return [];
    const name = processName(e);
    if (name === undefined) return [];
    const memory = own(e, 'memory') ?? own(e, 'memory_bytes');
    const queue = own(e, 'message_queue_len') ?? own(e, 'message_queue_length') ?? own(e, 'queue_len');
    return [{ name: clean(name), ...(memory === undefined ? {} : { memory }), ...(queue === undefined ? {} : { messageQueueLen: queue }) }];
  });
}

function etsTables(v: unknown, clean: NameCleaner): Array<Record<string, unknown>> | undefined {
  const items = list(v);
  if (!items) return undefined;
  return items.slice(0, MAX_TOP_ENTRIES).flatMap((e) => {
    if (!isObject(e)) return [];
    const name = str(own(e, 'name')) ?? str(own(e, 'table')) ?? str(own(e, 'id'));
    const memory = own(e, 'memory') ?? own(e, 'memory_bytes');
    return name === undefined || memory === undefined ? [] : [{ name: clean(name), memory }];
  });
}

/** `codex-pooler-worker-7d9f8-abcde` → `worker`: the chart names pods after their role. */
function roleFromPod(pod: unknown): string | undefined {
  return typeof pod === 'string' ? /-(web|app|worker|scheduler)-/.exec(pod)?.[1] : undefined;
}

/**
 * Maps the aliases a snapshot line may use onto the canonical input of `SnapshotInput` (snapshot.ts), reading
 * only the fields it knows. Nested (`memory: {total}`, `cgroup: {usage_bytes}`) and flat
 * (`beam_total_bytes`, `cgroup_usage_bytes`) spellings are both accepted. Reasons never quote the line.
 */
export function normalizeRecord(rec: RawRecord, defaults: LineDefaults, clean: NameCleaner): Normalized {
  const memory = nested(rec, 'memory');
  const cgroup = nested(rec, 'cgroup');
  const rawTs = lookup(rec, 'ts', 'timestamp', 'time', '@timestamp', 'sampled_at');
  const ts = rawTs === undefined ? defaults.ts : toEpochMs(rawTs);
  if (ts === undefined) return { ok: false, reason: rawTs === undefined ? 'no timestamp' : 'invalid ts' };
  const pod = str(lookup(rec, 'pod', 'pod_name')) ?? defaults.pod;
  if (pod === undefined) return { ok: false, reason: 'no pod' };
  const role = str(lookup(rec, 'role', 'release_role'))?.toLowerCase() ?? roleFromPod(pod) ?? 'unknown';
  const node = str(lookup(rec, 'node', 'node_name')) ?? defaults.node;
  const topProcesses = processes(lookup(rec, 'top_processes_by_memory', 'top_processes'), clean);
  const topQueues = processes(lookup(rec, 'top_processes_by_message_queue', 'top_message_queues', 'top_processes_by_message_queue_len'), clean);
  const topEts = etsTables(lookup(rec, 'top_ets_tables_by_memory', 'top_ets_tables', 'top_ets'), clean);
  if (!topProcesses) return { ok: false, reason: 'invalid top_processes' };
  if (!topQueues) return { ok: false, reason: 'invalid top_message_queues' };
  if (!topEts) return { ok: false, reason: 'invalid top_ets_tables' };
  const input: Record<string, unknown> = {
    pod,
    role,
    ...(node === undefined ? {} : { node: clean(node) }),
    ts,
    memory: {
      total: figure(memory, ['total', 'total_bytes'], rec, ['beam_total_bytes', 'memory_total_bytes', 'vm_memory_total_bytes']),
      processes: figure(memory, ['processes', 'processes_bytes'], rec, ['beam_processes_bytes', 'memory_processes_bytes']),
      binary: figure(memory, ['binary', 'binary_bytes'], rec, ['beam_binary_bytes', 'memory_binary_bytes']),
      ets: figure(memory, ['ets', 'ets_bytes'], rec, ['beam_ets_bytes', 'memory_ets_bytes']),
      code: figure(memory, ['code', 'code_bytes'], rec, ['beam_code_bytes', 'memory_code_bytes']),
      atom: figure(memory, ['atom', 'atom_bytes'], rec, ['beam_atom_bytes', 'memory_atom_bytes']),
      system: figure(memory, ['system', 'system_bytes'], rec, ['beam_system_bytes', 'memory_system_bytes']),
    },
    cgroup: {
      usage: figure(cgroup, ['usage_bytes', 'usage', 'memory_usage_bytes'], rec, ['cgroup_usage_bytes', 'cgroup_memory_usage_bytes']),
      limit: figure(cgroup, ['limit_bytes', 'limit', 'memory_limit_bytes'], rec, ['cgroup_limit_bytes', 'cgroup_memory_limit_bytes']),
      rss: figure(cgroup, ['rss_bytes', 'rss'], rec, ['cgroup_rss_bytes']),
      cache: figure(cgroup, ['cache_bytes', 'cache', 'file_bytes'], rec, ['cgroup_cache_bytes']),
      workingSet: figure(cgroup, ['working_set_bytes', 'working_set'], rec, ['cgroup_working_set_bytes']),
    },
    processCount: lookup(rec, 'process_count', 'processes_count'),
    portCount: lookup(rec, 'port_count', 'ports_count'),
    topProcesses,
    topQueues,
    topEts,
    thresholdRatio: lookup(rec, 'threshold_ratio', 'sampler_threshold_ratio'),
    limitBytes: lookup(rec, 'limit_bytes', 'sampler_limit_bytes'),
  };
  return { ok: true, input };
}
