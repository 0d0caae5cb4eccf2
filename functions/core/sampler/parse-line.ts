import { truncate } from '../render/truncate.ts';
import { exceedsJsonDepth } from '../json-depth.ts';
import { parseKeyValues } from './key-value.ts';
import { normalizeRecord, toEpochMs, type LineDefaults, type NameCleaner, type RawRecord } from './normalize.ts';
import { SnapshotInput, compact, type SamplerSnapshot } from './snapshot.ts';

/**
 * What one log line is: a sampler snapshot, an ordinary line (`skipped`: it does not carry the sampler's message),
 * or a line that carries the message but could not be read (`rejected`, with a reason that never quotes the line).
 */
export type LineResult = { kind: 'snapshot'; snapshot: SamplerSnapshot } | { kind: 'skipped' } | { kind: 'rejected'; reason: string };

export interface ParseLineOptions {
  /** From {@link markerPattern}. */
  marker: RegExp;
  /** Applied to every process, ETS table and node name kept (see {@link nameCleaner}). */
  clean: NameCleaner;
  /** What the transport knows (a CloudWatch Logs event's timestamp); the line and its envelope win. */
  defaults?: LineDefaults;
}

/** Longest process, ETS table or node name kept. */
export const MAX_NAME_LENGTH = 120;
/** Deepest JSON nesting read: an envelope around a snapshot around a top list needs 4. */
const MAX_JSON_DEPTH = 16;

/** `memory sampler snapshot` → matches it case-insensitively, with `_`, `.` or `-` allowed for the spaces. */
export function markerPattern(message: string): RegExp {
  const words = message.trim().split(/[\s_.-]+/).filter(Boolean).map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(words.join('[\\s_.-]'), 'i');
}

/**
 * A name as it may leave: the sanitizer's redaction first (on the whole value, so a cut never leaves half a
 * secret), then printable ASCII only (quotes, backslashes and anything else become `?`), then the length cap.
 */
export function nameCleaner(text: (s: string) => string, max = MAX_NAME_LENGTH): NameCleaner {
  return (raw) => text(truncate(text(raw).replace(/[^\x21-\x7e]|["'`\\]/g, '?'), max));
}

// eslint-disable-next-line no-control-regex -- that is the point: raw control characters in a log line
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;
/** containerd/CRI-O log files: `<RFC 3339> <stream> <F|P> <message>`. */
const CRI = /^(\d{4}-\d\d-\d\dT\S+)\s+(?:stdout|stderr)\s+[FP]\s(.*)$/s;
/** `kubectl logs --timestamps`: `<RFC 3339> <message>`. */
const STAMPED = /^(\d{4}-\d\d-\d\dT\S+)\s(.*)$/s;

/** Parses one log line (without its newline). Never throws. */
export function parseSamplerLine(line: string, opts: ParseLineOptions): LineResult {
  try {
    return parseText(line.endsWith('\r') ? line.slice(0, -1) : line, opts, opts.defaults ?? {}, 0);
  } catch {
    // A bug must not stop an ingest or echo the line: count it like any other unreadable line.
    return { kind: 'rejected', reason: 'unreadable' };
  }
}

function parseText(line: string, opts: ParseLineOptions, defaults: LineDefaults, depth: number): LineResult {
  if (!opts.marker.test(line)) return { kind: 'skipped' };
  if (CONTROL.test(line)) return { kind: 'rejected', reason: 'control characters' };
  let body = line.trim();
  const prefixed = CRI.exec(body) ?? STAMPED.exec(body);
  const prefixTs = prefixed ? toEpochMs(prefixed[1]) : undefined;
  if (prefixed && prefixTs !== undefined) body = prefixed[2]!.trim();
  const here: LineDefaults = { ...defaults, ...(prefixTs === undefined ? {} : { ts: prefixTs }) };
  if (body.startsWith('{')) return parseJson(body, opts, here, depth);
  return validate(parseKeyValues(body), opts, here);
}

function parseJson(body: string, opts: ParseLineOptions, defaults: LineDefaults, depth: number): LineResult {
  if (exceedsJsonDepth(body, MAX_JSON_DEPTH)) return { kind: 'rejected', reason: 'JSON nested too deeply' };
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return { kind: 'rejected', reason: 'invalid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { kind: 'rejected', reason: 'not a JSON object' };
  const rec = value as RawRecord;
  const inner = envelopeInner(rec);
  if (inner === undefined) return validate(rec, opts, defaults);
  if (depth > 0) return { kind: 'rejected', reason: 'envelope inside an envelope' };
  const outer = envelopeDefaults(rec, defaults);
  if (typeof inner !== 'string') return validate(inner, opts, outer);
  return parseText(inner, opts, outer, depth + 1);
}

const isObject = (v: unknown): v is RawRecord => typeof v === 'object' && v !== null && !Array.isArray(v);
const own = (o: RawRecord, k: string): unknown => (Object.hasOwn(o, k) ? o[k] : undefined);

/**
 * The line inside a log shipper's envelope, if `rec` is one:
 * - Fluent Bit, Fluentd and Docker's json-file driver: `{"log": "<line>", "stream", "time", "kubernetes": {…}}`;
 * - Fluent Bit with `Merge_Log On`: the line already parsed, under `log_processed`;
 * - Vector's `kubernetes_logs`: `{"message": "<line>", "kubernetes": {…}}` (a LoggerJSON line also has a
 *   `message`, but only the text: an envelope's message is itself JSON or key=value).
 */
function envelopeInner(rec: RawRecord): string | RawRecord | undefined {
  const processed = own(rec, 'log_processed');
  if (isObject(processed)) return processed;
  const log = own(rec, 'log');
  if (typeof log === 'string') return log;
  const message = own(rec, 'message');
  if (isObject(own(rec, 'kubernetes')) && typeof message === 'string' && (message.trimStart().startsWith('{') || message.includes('='))) return message;
  return undefined;
}

/** Pod, node and time from the envelope (Kubernetes metadata filter fields), over what the transport knew. */
function envelopeDefaults(rec: RawRecord, defaults: LineDefaults): LineDefaults {
  const k8s = own(rec, 'kubernetes');
  const meta = isObject(k8s) ? k8s : {};
  const pod = own(meta, 'pod_name');
  const node = own(meta, 'host');
  const ts = toEpochMs(own(rec, 'time') ?? own(rec, '@timestamp') ?? own(rec, 'timestamp') ?? own(rec, 'date'));
  return {
    ...defaults,
    ...(typeof pod === 'string' && pod !== '' ? { pod } : {}),
    ...(typeof node === 'string' && node !== '' ? { node } : {}),
    ...(ts === undefined ? {} : { ts }),
  };
}

function validate(rec: RawRecord, opts: ParseLineOptions, defaults: LineDefaults): LineResult {
  const normalized = normalizeRecord(rec, defaults, opts.clean);
  if (!normalized.ok) return { kind: 'rejected', reason: normalized.reason };
  const parsed = SnapshotInput.safeParse(normalized.input);
  if (!parsed.success) {
    // Paths name our schema's fields only (unknown keys were never read), so they are safe to report.
    const issue = parsed.error.issues[0]!;
    return { kind: 'rejected', reason: `invalid ${issue.path.join('.') || 'snapshot'}` };
  }
  const s = parsed.data;
  // Pod and role pass their syntax check unchanged; one that the sanitizer would alter holds a credential.
  if (opts.clean(s.pod) !== s.pod) return { kind: 'rejected', reason: 'invalid pod' };
  if (opts.clean(s.role) !== s.role) return { kind: 'rejected', reason: 'invalid role' };
  const snapshot: SamplerSnapshot = compact({
    ...s,
    memory: compact(s.memory),
    cgroup: compact(s.cgroup),
    topProcesses: s.topProcesses.map((e) => compact(e)),
    topQueues: s.topQueues.map((e) => compact(e)),
  }) as SamplerSnapshot;
  if (snapshot.memory.total === undefined && snapshot.cgroup.usage === undefined && snapshot.cgroup.workingSet === undefined) {
    return { kind: 'rejected', reason: 'no memory figures' };
  }
  return { kind: 'snapshot', snapshot };
}
