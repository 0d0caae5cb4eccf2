import type { CloudWatchLogsEvent } from 'aws-lambda';
import type { SamplerSnapshot } from '../../core/sampler/index.ts';
import { acceptExternal } from '../../runtime/plan-jobs.ts';
import { countLine, emptyTally, ingestSnapshots, samplerLineParser, type LineTally } from '../../runtime/sampler-ingest.ts';
import type { Logger } from '../logger.ts';
import { LogsPayloadError, decodeCloudWatchLogs } from './cloudwatch-logs-event.ts';
import type { SamplerLogsDeps } from './sampler-logs-deps.ts';

/** Rejected events named in the outcome log line, at most (the count is exact). */
const LOGGED_REJECTS = 20;

/** What one invocation did (also its return value, for tests and the Lambda console). */
export type SamplerLogsOutcome =
  | { status: 'rejected'; reason: string }
  | { status: 'control' }
  | ({ status: 'ingested'; findings: number; accepted: number; duplicates: number } & LineTally);

/**
 * A CloudWatch Logs subscription batch of sampler lines: decode, parse each event (its timestamp stands in for a
 * line without one), ingest through the same pipeline as the Alertmanager webhook — routing, silences and
 * inhibition, then SQS, with the batch key marked in the DynamoDB ledger — and log one outcome line with counts
 * and reasons, never a line's content.
 *
 * A payload that cannot be decoded is logged and dropped (a retry would fail the same way); a failure after
 * decoding (DynamoDB, SQS) throws, so Lambda retries the batch, which is safe: everything is keyed.
 */
export async function samplerLogs(event: CloudWatchLogsEvent, deps: SamplerLogsDeps, inv: { log: Logger }): Promise<SamplerLogsOutcome> {
  let data;
  try {
    data = decodeCloudWatchLogs(event);
  } catch (err) {
    if (!(err instanceof LogsPayloadError)) throw err;
    inv.log.error('sampler logs payload rejected', { reason: err.message });
    return { status: 'rejected', reason: err.message };
  }
  if (data.messageType === 'CONTROL_MESSAGE') {
    inv.log.debug('sampler logs control message');
    return { status: 'control' };
  }
  const { config } = deps;
  const sanitizer = deps.sanitizer();
  const parse = samplerLineParser(config, sanitizer);
  const tally = emptyTally();
  const snapshots: SamplerSnapshot[] = [];
  data.logEvents.forEach((e, i) => {
    const s = countLine(tally, i + 1, Buffer.byteLength(e.message) > config.samplerLogs.maxLineBytes ? { kind: 'rejected', reason: `line over ${config.samplerLogs.maxLineBytes} bytes` } : parse(e.message, { ts: e.timestamp }));
    if (s) snapshots.push(s);
  });
  const result = await ingestSnapshots(snapshots, {
    config,
    memo: deps.memoStore(),
    route: (batch) => acceptExternal(batch, { config, ledger: deps.ledger, sink: deps.queue, logger: inv.log, now: deps.now() }),
    sanitizer,
    logger: inv.log,
  });
  const outcome = { status: 'ingested' as const, ...tally, findings: result.findings.length, accepted: result.accepted, duplicates: result.duplicates };
  const fields = {
    logGroup: sanitizer.text(data.logGroup),
    events: tally.lines,
    snapshots: tally.snapshots,
    skipped: tally.skipped,
    rejected: tally.rejected,
    ...(tally.rejected > 0 ? { rejects: tally.rejects.slice(0, LOGGED_REJECTS).map((r) => `event ${r.line}: ${r.reason}`) } : {}),
    findings: result.findings.map((f) => `${f.rule} ${f.pod}`),
    accepted: result.accepted,
    duplicates: result.duplicates,
  };
  if (tally.rejected > 0) inv.log.warn('sampler logs', fields);
  else inv.log.info('sampler logs', fields);
  return outcome;
}
