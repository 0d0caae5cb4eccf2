import type { Config } from '../config/schema.ts';
import { combineSnapshots, markerPattern, trimMemo, nameCleaner, parseSamplerLine, samplerBatch, samplerFindings, type LineDefaults, type LineResult, type SamplerFinding, type SamplerMemo, type SamplerSnapshot } from '../core/sampler/index.ts';
import type { Sanitizer } from '../core/sanitize/index.ts';
import type { Logger } from '../platform/logger.ts';
import type { ExternalBatch } from './plan-jobs.ts';

/**
 * Where the per-pod sampler memo lives: `<state.dir>/sampler-memo.json` locally, a DynamoDB item on AWS.
 * `update` may call `change` more than once (an optimistic-lock retry), so `change` must be pure.
 */
export interface SamplerMemoStore {
  load(): Promise<SamplerMemo | undefined>;
  update(change: (current: SamplerMemo | undefined) => SamplerMemo): Promise<void>;
}

/** Rejected lines reported by number, at most this many (the count is always exact). */
export const MAX_REPORTED_REJECTS = 100;

/** Counts of one ingest's lines: nothing is dropped silently. */
export interface LineTally {
  lines: number;
  snapshots: number;
  skipped: number;
  rejected: number;
  /** The first {@link MAX_REPORTED_REJECTS} rejected lines: number and reason, never content. */
  rejects: Array<{ line: number; reason: string }>;
}

export const emptyTally = (): LineTally => ({ lines: 0, snapshots: 0, skipped: 0, rejected: 0, rejects: [] });

/** Counts a line's result into `tally`; returns the snapshot, if it was one. */
export function countLine(tally: LineTally, line: number, result: LineResult): SamplerSnapshot | undefined {
  tally.lines++;
  if (result.kind === 'snapshot') {
    tally.snapshots++;
    return result.snapshot;
  }
  if (result.kind === 'skipped') tally.skipped++;
  else {
    tally.rejected++;
    if (tally.rejects.length < MAX_REPORTED_REJECTS) tally.rejects.push({ line, reason: result.reason });
  }
  return undefined;
}

/** The config's line parser: marker and name cleaner built once; names go through `sanitizer`. */
export function samplerLineParser(config: Pick<Config, 'samplerLogs'>, sanitizer: Pick<Sanitizer, 'text'>): (line: string, defaults?: LineDefaults) => LineResult {
  const marker = markerPattern(config.samplerLogs.message);
  const clean = nameCleaner(sanitizer.text);
  return (line, defaults) => parseSamplerLine(line, { marker, clean, ...(defaults ? { defaults } : {}) });
}

/** The config {@link ingestSnapshots} reads (the sampler-logs Lambda's view has no more). */
export type IngestSections = Pick<Config, 'samplerLogs' | 'metricNames' | 'selectors' | 'links'>;

export interface IngestDeps {
  config: IngestSections;
  memo: SamplerMemoStore;
  /** Accept one batch into the pipeline (routing, silences, inhibition, durable sink): Notifier.routeExternal locally, acceptExternal into SQS on AWS. */
  route: (batch: ExternalBatch) => Promise<'accepted' | 'duplicate'>;
  sanitizer: Sanitizer;
  logger: Logger;
  /** Findings only: nothing is routed (and the caller gives a memo store that does not write). */
  dryRun?: boolean;
}

export interface IngestResult {
  findings: SamplerFinding[];
  /** Batches newly accepted into the pipeline (each may notify several receivers). */
  accepted: number;
  /** Batches seen before (same rule, pod and window): not notified again. */
  duplicates: number;
}

/**
 * One batch of snapshots through the pipeline: merge them into the memo (saved first, so a failure after it
 * leaves nothing half-done that a retry would not redo: merging is idempotent), judge each against its pod's
 * history, then hand each finding to `route` with its (rule, pod, window) key.
 */
export async function ingestSnapshots(snapshots: readonly SamplerSnapshot[], deps: IngestDeps): Promise<IngestResult> {
  const result: IngestResult = { findings: [], accepted: 0, duplicates: 0 };
  if (snapshots.length === 0) return result;
  const { config } = deps;
  const ctx = { cfg: config.samplerLogs, names: config.metricNames, selectors: config.selectors };
  await deps.memo.update((current) => {
    const combined = combineSnapshots(current, snapshots);
    result.findings = samplerFindings(combined, snapshots, ctx);
    return trimMemo(combined, config.samplerLogs.retention);
  });
  if (deps.dryRun) return result;
  const sanitize = deps.sanitizer;
  for (const f of result.findings) {
    const verdict = await deps.route(samplerBatch(f, { links: config.links, sanitize }));
    if (verdict === 'accepted') result.accepted++;
    else result.duplicates++;
  }
  return result;
}
