import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config/load.ts';
import { Config } from '../config/schema.ts';
import { parseSamplerMemo, samplerBatchKey, type SamplerFinding, type SamplerMemo, type SamplerSnapshot } from '../core/sampler/index.ts';
import { createSanitizer, type Sanitizer } from '../core/sanitize/index.ts';
import { forEachCappedLine } from '../platform/capped-lines.ts';
import type { DrainResult } from '../platform/delivery/index.ts';
import { AppError } from '../platform/errors.ts';
import { createLogger } from '../platform/logger.ts';
import { acquireRunLock } from '../platform/run-lock.ts';
import { JsonFileStateStore } from '../platform/state-store.ts';
import { Notifier } from '../runtime/notifier.ts';
import { countLine, emptyTally, ingestSnapshots, samplerLineParser, type IngestResult, type LineTally, type SamplerMemoStore } from '../runtime/sampler-ingest.ts';

/** Streams `pooler-watch ingest-logs` reads from and writes to; `process` in production, PassThroughs in tests. */
export interface IngestLogsIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
}

const USAGE = `usage: pooler-watch ingest-logs FILE|- [--config FILE] [--json] [--strict] [--dry-run]

Reads Codex Pooler memory sampler log lines (JSON, log shipper envelopes, or Logger key=value text) from FILE or
stdin, turns snapshots into findings (sampler-threshold, sampler-cgroup-near-limit, sampler-queue-growth,
sampler-repeated) and sends them through routing to the receivers; prints what it read and did.
  --json      the summary as JSON
  --strict    exit 1 when any line carrying the sampler's message could not be read
  --dry-run   findings only: no memo saved, nothing notified
Exit codes: 0 ok (rejected lines are reported as a warning), 1 input cut at the size cap, a delivery failed,
or --strict with rejected lines, 2 usage or config error.
`;

/** Snapshots handed to the pipeline at a time: a large file is processed as it streams, never held whole. */
const BATCH = 500;

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => stream.write(text, (error) => (error ? reject(error) : resolve())));
}

function flags(args: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: { config: { type: 'string' }, json: { type: 'boolean', default: false }, strict: { type: 'boolean', default: false }, 'dry-run': { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h' } },
    });
    if (values.help) return 'help' as const;
    if (positionals.length !== 1) return undefined;
    return { file: positionals[0]!, config: values.config, json: values.json, strict: values.strict, dryRun: values['dry-run'] };
  } catch {
    return undefined;
  }
}

/**
 * The per-pod memo of one ingest, `<state.dir>/sampler-memo.json`: read once, kept in memory across the batches
 * (the run lock makes this process its only writer), and replaced atomically after each batch unless `dryRun`,
 * where later batches still see earlier ones but nothing is written.
 */
function fileSamplerMemoStore(path: string, dryRun: boolean): SamplerMemoStore {
  const store = new JsonFileStateStore<SamplerMemo>(path, { parse: parseSamplerMemo });
  let current: Promise<SamplerMemo | undefined> | undefined;
  return {
    load: () => (current ??= store.load()),
    update: async (change) => {
      const next = change(await (current ??= store.load()));
      current = Promise.resolve(next);
      if (!dryRun) await store.save(next);
    },
  };
}

interface Summary extends LineTally {
  bytes: number;
  truncated: boolean;
  findings: SamplerFinding[];
  accepted: number;
  duplicates: number;
  drained?: DrainResult;
}

/**
 * `pooler-watch ingest-logs FILE|-`: stream the lines (each capped, the whole capped), parse, ingest in batches
 * through the same pipeline as Alertmanager alerts, drain the outbox, print a summary. Rejected lines are
 * reported by number and reason, never by content.
 */
export async function runIngestLogs(args: string[], io: IngestLogsIo): Promise<number> {
  const f = flags(args);
  if (f === 'help') {
    await write(io.stdout, USAGE);
    return 0;
  }
  if (f === undefined) {
    await write(io.stderr, USAGE);
    return 2;
  }
  // Without --config nothing is scraped: the placeholder target only satisfies the schema (as for replay).
  const config = f.config ? await loadConfig(f.config) : Config.parse({ targets: [{ name: 'sampler-logs', url: 'http://127.0.0.1/metrics' }] });
  const logger = createLogger({ stream: io.stderr, level: 'warn' });
  const release = f.dryRun ? undefined : await acquireRunLock(join(config.state.dir, 'sampler-ingest.lock'));
  try {
    const notifier = f.dryRun ? undefined : await Notifier.create({ config, logger, env: io.env, out: f.json ? io.stderr : io.stdout });
    const sanitizer = notifier?.sanitizer() ?? createSanitizer({ secrets: [] });
    const summary = await ingest(f.file, config, io, { sanitizer, notifier, dryRun: f.dryRun, logger });
    if (notifier) summary.drained = await notifier.drain({ deadlineMs: Date.now() + config.delivery.deadline });
    await write(io.stdout, f.json ? `${JSON.stringify(sanitizer.deep(toJson(summary)), null, 2)}\n` : sanitizer.text(render(summary)));
    if (summary.rejected > 0) await write(io.stderr, `warning: ${summary.rejected} line(s) carried the sampler's message but could not be read (see above)${f.strict ? '' : '; --strict makes this exit 1'}\n`);
    if (summary.truncated) await write(io.stderr, `error: input cut at ${config.samplerLogs.maxInputBytes} bytes (samplerLogs.maxInputBytes); the rest was not read\n`);
    const failed = (summary.drained?.deadLettered.length ?? 0) > 0;
    return summary.truncated || failed || (f.strict && summary.rejected > 0) ? 1 : 0;
  } finally {
    await release?.();
  }
}

async function ingest(
  file: string,
  config: Config,
  io: IngestLogsIo,
  deps: { sanitizer: Sanitizer; notifier: Notifier | undefined; dryRun: boolean; logger: ReturnType<typeof createLogger> },
): Promise<Summary> {
  const parse = samplerLineParser(config, deps.sanitizer);
  const memo = fileSamplerMemoStore(join(config.state.dir, 'sampler-memo.json'), deps.dryRun);
  const tally = emptyTally();
  const totals: IngestResult = { findings: [], accepted: 0, duplicates: 0 };
  const findings = new Map<string, SamplerFinding>();
  let batch: SamplerSnapshot[] = [];
  const flush = async () => {
    const r = await ingestSnapshots(batch, {
      config,
      memo,
      route: (b) => deps.notifier!.routeExternal(b, Date.now()),
      sanitizer: deps.sanitizer,
      logger: deps.logger,
      dryRun: deps.dryRun,
    });
    batch = [];
    // A (rule, pod, window) touched by two batches is one notification: list it once, with the later numbers.
    for (const f of r.findings) findings.set(samplerBatchKey(f), f);
    totals.accepted += r.accepted;
    totals.duplicates += r.duplicates;
  };
  const input = file === '-' ? (io.stdin as AsyncIterable<Buffer | string>) : createReadStream(file);
  let read;
  try {
    read = await forEachCappedLine(input, { maxLineBytes: config.samplerLogs.maxLineBytes, maxTotalBytes: config.samplerLogs.maxInputBytes }, async (line) => {
      const result = 'tooLong' in line ? ({ kind: 'rejected', reason: `line over ${config.samplerLogs.maxLineBytes} bytes` } as const) : parse(line.text);
      const snapshot = countLine(tally, line.lineNo, result);
      if (snapshot) batch.push(snapshot);
      if (batch.length >= BATCH) await flush();
    });
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === undefined) throw cause;
    throw new AppError(`cannot read ${file === '-' ? 'stdin' : file} (${code})`, { cause });
  }
  await flush();
  return { ...tally, ...read, findings: [...findings.values()], accepted: totals.accepted, duplicates: totals.duplicates };
}

function toJson(s: Summary) {
  return {
    lines: s.lines,
    bytes: s.bytes,
    truncated: s.truncated,
    snapshots: s.snapshots,
    skipped: s.skipped,
    rejected: s.rejected,
    rejects: s.rejects,
    findings: s.findings.map((f) => ({
      rule: f.rule,
      severity: f.severity,
      pod: f.pod,
      role: f.role,
      window: new Date(f.windowStart).toISOString(),
      snapshotAt: new Date(f.snapshotAt).toISOString(),
      summary: f.summary,
      evidence: f.evidence,
    })),
    notifications: {
      accepted: s.accepted,
      duplicates: s.duplicates,
      ...(s.drained
        ? { sent: s.drained.sent.length, alreadySent: s.drained.duplicates.length, deadLettered: s.drained.deadLettered.length, pending: s.drained.pending }
        : {}),
    },
  };
}

function render(s: Summary): string {
  const lines = [`read ${s.lines} lines (${s.bytes} bytes): ${s.snapshots} snapshots, ${s.skipped} skipped, ${s.rejected} rejected`];
  if (s.rejects.length > 0) {
    lines.push(`rejected: ${s.rejects.map((r) => `line ${r.line} (${r.reason})`).join(', ')}${s.rejected > s.rejects.length ? `, and ${s.rejected - s.rejects.length} more` : ''}`);
  }
  lines.push(`findings: ${s.findings.length}`);
  for (const f of s.findings) lines.push(`  ${f.severity.padEnd(8)} ${f.rule.padEnd(26)} ${f.pod} at ${new Date(f.snapshotAt).toISOString()}: ${f.summary}`);
  const d = s.drained;
  lines.push(
    d
      ? `notifications: ${s.accepted} new, ${s.duplicates} already accepted; delivered ${d.sent.length}, already sent ${d.duplicates.length}, dead-lettered ${d.deadLettered.length}, pending ${d.pending}`
      : 'notifications: none (--dry-run)',
  );
  return `${lines.join('\n')}\n`;
}
