import { createHash } from 'node:crypto';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { SQSClient, SendMessageBatchRequestEntry } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import { truncateList } from '../../core/render/truncate.ts';
import type { AlertItem } from '../../core/render/types.ts';
import type { Severity } from '../../core/types.ts';
import { DeliveryJobSchema, type DeliveryJob } from '../delivery/job.ts';
import { jobFromStored } from '../delivery/job.ts';
import { AppError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { mapLimit } from '../map-limit.ts';
import { sqs } from './sqs-client.ts';
import { fifoFields } from '../fifo.ts';

const SEND_BATCH_DOC = 'https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html';
/**
 * SendMessageBatch limits (SEND_BATCH_DOC): "a maximum of 10 messages", and "the maximum allowed individual message
 * size and the maximum total payload size (the sum of the individual lengths of all of the batched messages) are
 * both 256 KiB (262,144 bytes)". SQS has since raised the message size to 1 MiB; we keep 256 KiB, which works on
 * every queue, unless told otherwise.
 */
export const SQS_LIMITS = {
  entriesPerBatch: { max: 10, doc: SEND_BATCH_DOC },
  messageBytes: { max: 262_144, doc: SEND_BATCH_DOC },
  batchBytes: { max: 262_144, doc: SEND_BATCH_DOC },
} as const;

/** Batches in flight at once. */
const CONCURRENCY = 4;

/** Options of {@link createSqsJobQueue} and {@link sendJobs}. */
export interface SqsJobQueueOptions {
  client: SQSClient;
  queueUrl: string;
  logger?: Logger;
  /** Largest message body; default 256 KiB. */
  maxMessageBytes?: number;
}

/** What {@link sendJobs} did: every job is `sent` or `failed`, never silently dropped. */
export interface SendJobsResult {
  sent: string[];
  /** Not accepted by SQS: the AWS error code (or `too large`) per job id. */
  failed: Array<{ id: string; code: string }>;
  /** Sent with only the first alerts plus a summary item, to fit the message size limit. */
  truncated: Array<{ id: string; alerts: number; kept: number }>;
}

/** Some jobs were not accepted by SQS; `ids` names them (they stay the caller's to retry). */
export class QueueSendError extends AppError {
  override name = 'QueueSendError';
  readonly failed: SendJobsResult['failed'];
  constructor(failed: SendJobsResult['failed']) {
    super(`SQS did not accept ${failed.length} job(s): ${[...new Set(failed.map((f) => f.code))].join(', ')}`);
    this.failed = failed;
  }
}

/**
 * SQS accepts only #x9 #xA #xD #x20-#xD7FF #xE000-#xFFFD #x10000-#x10FFFF in a body. JSON.stringify already
 * escapes control characters and lone surrogates; U+FFFE/U+FFFF can only occur inside JSON strings, where the
 * `\uXXXX` escape means the same.
 */
function encode(job: DeliveryJob): string {
  return JSON.stringify(job).replace(/[\uFFFE\uFFFF]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);
}

const RANK: Record<Severity, number> = { critical: 0, warning: 1, info: 2 };

/** The item that stands for the alerts left out of an oversized job (context only: `remind`, so pagers do not page it). */
function summaryItem(hidden: AlertItem[], limitBytes: number): AlertItem {
  const first = hidden[0]!;
  const severity = hidden.map((a) => a.severity).sort((a, b) => RANK[a] - RANK[b])[0]!;
  const fingerprint = `truncated-${createHash('sha256').update(hidden.map((a) => a.fingerprint).join(',')).digest('hex').slice(0, 16)}`;
  const names = hidden.slice(0, 20).map((a) => a.title);
  return {
    fingerprint,
    status: hidden.some((a) => a.status === 'firing') ? 'firing' : 'resolved',
    severity,
    rule: 'truncated',
    pod: '',
    target: '',
    source: first.source,
    title: `…and ${hidden.length} more alert${hidden.length === 1 ? '' : 's'}`,
    summary: `${hidden.length} more alerts left out to fit the queue's ${limitBytes}-byte message limit: ${names.join('; ')}${hidden.length > names.length ? '; …' : ''}`,
    hint: 'See the whole group in Alertmanager or in the pooler-watch logs.',
    promql: '',
    evidence: [],
    startsAt: first.startsAt,
    links: [],
    labels: {},
    action: 'remind',
  };
}

const bytes = (body: string): number => Buffer.byteLength(body, 'utf8');

/**
 * A job as an SQS body within `maxBytes`. A job over the limit keeps its first alerts and a summary item for the
 * rest (through the shared `truncateList`), as many as fit (binary search); `undefined` if not even the summary fits.
 */
export function fitJob(job: DeliveryJob, maxBytes: number = SQS_LIMITS.messageBytes.max): { body: string; kept: number } | undefined {
  const body = encode(job);
  const alerts = job.notification.alerts;
  if (bytes(body) <= maxBytes) return { body, kept: alerts.length };
  const withKept = (max: number): string =>
    encode({ ...job, notification: { ...job.notification, alerts: truncateList(alerts, max, () => summaryItem(alerts.slice(max - 1), maxBytes)) } });
  let lo = 1;
  let hi = alerts.length - 1;
  let best: { body: string; kept: number } | undefined;
  while (lo <= hi) {
    const mid = Math.floor((lo + hi) / 2);
    const candidate = withKept(mid);
    if (bytes(candidate) <= maxBytes) {
      best = { body: candidate, kept: mid - 1 };
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return best;
}

interface Entry {
  id: string;
  body: string;
  receiver: string;
}

/** Greedy batches of at most 10 entries and 256 KiB in total. */
function batches(entries: Entry[], maxBatchBytes: number): Entry[][] {
  const out: Entry[][] = [];
  let current: Entry[] = [];
  let size = 0;
  for (const e of entries) {
    const n = bytes(e.body);
    if (current.length > 0 && (current.length >= SQS_LIMITS.entriesPerBatch.max || size + n > maxBatchBytes)) {
      out.push(current);
      current = [];
      size = 0;
    }
    current.push(e);
    size += n;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/**
 * Sends delivery jobs with SendMessageBatch (≤ 10 entries and ≤ 256 KiB per request). Entries SQS refuses for a
 * reason of its own (`SenderFault: false`) are retried once; a request that throws fails all its entries. FIFO
 * queues (`.fifo`) get the receiver as message group (per-receiver order) and the job id's digest as dedup id.
 */
export async function sendJobs(jobs: DeliveryJob[], options: SqsJobQueueOptions): Promise<SendJobsResult> {
  const maxMessageBytes = options.maxMessageBytes ?? SQS_LIMITS.messageBytes.max;
  const result: SendJobsResult = { sent: [], failed: [], truncated: [] };
  const entries: Entry[] = [];
  for (const job of jobs) {
    const fitted = fitJob(job, maxMessageBytes);
    if (!fitted) {
      result.failed.push({ id: job.id, code: 'too large' });
      options.logger?.error('job too large for the queue, even truncated', { id: job.id, receiver: job.receiver, alerts: job.notification.alerts.length });
      continue;
    }
    const alerts = job.notification.alerts.length;
    if (fitted.kept < alerts) {
      result.truncated.push({ id: job.id, alerts, kept: fitted.kept });
      options.logger?.warn('job truncated to fit the queue message limit', { id: job.id, receiver: job.receiver, alerts, kept: fitted.kept, limitBytes: maxMessageBytes });
    }
    entries.push({ id: job.id, body: fitted.body, receiver: job.receiver });
  }
  const sendBatch = async (batch: Entry[]): Promise<Array<{ entry: Entry; code: string; retry: boolean }>> => {
    const Entries: SendMessageBatchRequestEntry[] = batch.map((e, i) => ({
      Id: `m${i}`,
      MessageBody: e.body,
      ...fifoFields(options.queueUrl, e.receiver, e.id),
    }));
    try {
      const out = await options.client.send(new SendMessageBatchCommand({ QueueUrl: options.queueUrl, Entries }));
      const failed = out.Failed ?? [];
      for (const [i, e] of batch.entries()) if (!failed.some((f) => f.Id === `m${i}`)) result.sent.push(e.id);
      return failed.map((f) => ({ entry: batch[Number((f.Id ?? 'm0').slice(1))]!, code: f.Code ?? 'Failed', retry: f.SenderFault !== true }));
    } catch (err) {
      const code = err instanceof Error ? err.name : 'Error';
      return batch.map((entry) => ({ entry, code, retry: false }));
    }
  };
  let failures = (await mapLimit(batches(entries, SQS_LIMITS.batchBytes.max), CONCURRENCY, sendBatch)).flat();
  const again = failures.filter((f) => f.retry).map((f) => f.entry);
  if (again.length > 0) {
    failures = [...failures.filter((f) => !f.retry), ...(await mapLimit(batches(again, SQS_LIMITS.batchBytes.max), CONCURRENCY, sendBatch)).flat()];
  }
  for (const f of failures) result.failed.push({ id: f.entry.id, code: f.code });
  if (result.failed.length > 0) options.logger?.error('jobs not accepted by SQS', { failed: result.failed.length, codes: [...new Set(result.failed.map((f) => f.code))] });
  return result;
}

/** The AWS runtime's job sink: delivery jobs to the SQS queue the dispatcher reads. */
export interface SqsJobQueue {
  readonly queueUrl: string;
  /** Send and report per job. */
  send(jobs: DeliveryJob[]): Promise<SendJobsResult>;
  /** `JobSink`: resolves once SQS accepted every job, else throws {@link QueueSendError}. */
  enqueue(jobs: DeliveryJob[]): Promise<void>;
}

/** A queue on the process-wide SQS client (`sqs-client.ts`); the probe loads it with this module, on demand. */
export function sharedSqsJobQueue(options: Omit<SqsJobQueueOptions, 'client'>): SqsJobQueue {
  return createSqsJobQueue({ ...options, client: sqs() });
}

export function createSqsJobQueue(options: SqsJobQueueOptions): SqsJobQueue {
  return {
    queueUrl: options.queueUrl,
    send: (jobs) => sendJobs(jobs, options),
    async enqueue(jobs) {
      if (jobs.length === 0) return;
      const result = await sendJobs(jobs, options);
      if (result.failed.length > 0) throw new QueueSendError(result.failed);
    },
  };
}

/** One SQS record read back as a job: the job, or why not (paths and fixed reasons only, never the body). */
export type ParsedRecord = { ok: true; job: DeliveryJob } | { ok: false; reason: string };

export function parseJobRecord(record: Pick<SQSRecord, 'body'>): ParsedRecord {
  let raw: unknown;
  try {
    raw = JSON.parse(record.body);
  } catch {
    return { ok: false, reason: 'invalid JSON' };
  }
  const parsed = DeliveryJobSchema.safeParse(raw);
  if (!parsed.success) {
    const paths = [...new Set(parsed.error.issues.map((i) => (i.path.length ? i.path.join('.') : '(root)')))].slice(0, 5);
    return { ok: false, reason: `invalid job: ${paths.join(', ')}` };
  }
  return { ok: true, job: jobFromStored(parsed.data) };
}
