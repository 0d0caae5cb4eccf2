import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildNotification } from '../../functions/core/render/render.ts';
import type { AlertItem } from '../../functions/core/render/types.ts';
import { handler } from '../../functions/dispatch.ts';
import { DynamoLedger } from '../../functions/platform/aws/dynamo-ledger.ts';
import type { DeliveryJob } from '../../functions/platform/delivery/job.ts';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.ts';
import { lambdaContext, logLines, sentJobs, sqsRecord, ssmMock, startHarness, type Harness } from './harness.ts';

const HOOK_SECRET = 'hook-hmac-secret-0a1b2c3d4e5f';
let h: Harness;
let pager: CaptureServer;
let backup: CaptureServer;

beforeAll(async () => {
  h = await startHarness();
  pager = await startCaptureServer({ status: 200, body: {} });
  backup = await startCaptureServer({ status: 200, body: {} });
});
afterAll(async () => {
  await Promise.all([h.close(), pager.close(), backup.close()]);
});
beforeEach(async () => {
  pager.requests.length = 0;
  backup.requests.length = 0;
  pager.fallback = { status: 200, body: {} };
  await h.configure(
    {
      targets: [{ name: 'x', url: 'http://127.0.0.1:9/metrics' }],
      receivers: [
        { name: 'pager', channel: { type: 'webhook', url: { ssm: { name: '/pw/pager-url' } }, secret: { ssm: { name: '/pw/hook-secret' } } } },
        { name: 'backup', channel: { type: 'webhook', url: { ssm: { name: '/pw/backup-url' } }, secret: { ssm: { name: '/pw/hook-secret' } } } },
      ],
      delivery: { maxAttempts: 3, baseDelay: 5, maxDelay: 10, deadline: '5s', perAttemptTimeout: '2s' },
    },
    { retry: { random: () => 0.5 } },
  );
  ssmMock.on(GetParameterCommand, { Name: '/pw/pager-url' }).resolves({ Parameter: { Value: `${pager.url}/hook` } });
  ssmMock.on(GetParameterCommand, { Name: '/pw/backup-url' }).resolves({ Parameter: { Value: `${backup.url}/hook` } });
  ssmMock.on(GetParameterCommand, { Name: '/pw/hook-secret' }).resolves({ Parameter: { Value: HOOK_SECRET } });
});

const T = Date.parse('2026-11-24T10:00:00Z');
function job(n: number, extra: Partial<DeliveryJob> = {}): DeliveryJob {
  const alert: AlertItem = {
    fingerprint: `fp-${n}`, status: 'firing', severity: 'critical', rule: 'time-to-oom', pod: `codex-pooler-app-${n}`, target: 'prometheus', source: 'probe',
    title: `time-to-oom on codex-pooler-app-${n}`, summary: 'RSS 900 MiB (88% of 1 GiB) growing 12 MiB/min: OOM in ~10 min', hint: 'check binaries', promql: '',
    evidence: [{ name: 'minutes to OOM', value: '10 min' }], startsAt: new Date(T).toISOString(), links: [], labels: { severity: 'critical' }, action: 'trigger',
  };
  const notification = buildNotification({ receiver: 'pager', groupKey: `g-${n}`, kind: 'trigger', alerts: [alert], transitionTimes: { [alert.fingerprint]: new Date(T).toISOString() }, now: T });
  return { id: notification.id, receiver: 'pager', notification, enqueuedAt: new Date(T).toISOString(), ...extra };
}

const event = (...records: SQSRecord[]): SQSEvent => ({ Records: records });
const dispatch = (e: SQSEvent, remainingMs = 30_000) => handler(e, lambdaContext(remainingMs)) as Promise<SQSBatchResponse>;

describe('dispatch handler', () => {
  it('delivers each job and records it in the ledger; nothing fails', async () => {
    const jobs = [job(1), job(2)];
    const out = await dispatch(event(...jobs.map((j) => sqsRecord(JSON.stringify(j)))));
    expect(out).toEqual({ batchItemFailures: [] });
    expect(pager.requests).toHaveLength(2);
    expect(pager.requests.map((r) => r.headers['x-pooler-watch-id'])).toEqual(jobs.map((j) => j.id));
    const ledger = new DynamoLedger({ client: h.dynamo.client, tableName: h.table });
    for (const j of jobs) expect(await ledger.has(j.id)).toBe(true);
    expect(logLines(h).filter((l) => l.msg === 'delivery' && l.outcome === 'sent')).toHaveLength(2);
  });

  it('is idempotent: the same job redelivered (same batch or a later one) reaches the vendor once', async () => {
    const j = job(3);
    const first = await dispatch(event(sqsRecord(JSON.stringify(j)), sqsRecord(JSON.stringify(j))));
    const second = await dispatch(event(sqsRecord(JSON.stringify(j))));
    expect(first.batchItemFailures).toEqual([]);
    expect(second.batchItemFailures).toEqual([]);
    expect(pager.requests).toHaveLength(1);
    expect(logLines(h).filter((l) => l.outcome === 'duplicate')).toHaveLength(2);
  });

  it('a retryable failure with no fallback goes back to SQS as a batch item failure (then the DLQ)', async () => {
    pager.fallback = { status: 503, body: {} };
    const ok = sqsRecord(JSON.stringify({ ...job(5), receiver: 'backup' }));
    const bad = sqsRecord(JSON.stringify(job(4)));
    const out = await dispatch(event(bad, ok));
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: bad.messageId }] });
    expect(pager.requests).toHaveLength(3); // maxAttempts
    expect(backup.requests).toHaveLength(1);
    expect(sentJobs()).toEqual([]);
  });

  it('a final failure with a fallback receiver queues a fallback job and acknowledges the primary', async () => {
    pager.fallback = { status: 400, body: {} };
    const primary = job(6, { fallback: 'backup' });
    const out = await dispatch(event(sqsRecord(JSON.stringify(primary))));
    expect(out.batchItemFailures).toEqual([]);
    expect(pager.requests).toHaveLength(1); // 400 is not retried
    const [fallback] = sentJobs();
    expect(fallback).toMatchObject({ id: `${primary.id}:fallback`, receiver: 'backup', primaryFailure: { receiver: 'pager' } });
    // The fallback job, dispatched in turn, reaches the backup receiver and says why.
    expect((await dispatch(event(sqsRecord(JSON.stringify(fallback))))).batchItemFailures).toEqual([]);
    expect(backup.requests).toHaveLength(1);
    expect(backup.requests[0]!.body).toContain('sent to fallback');
  });

  it('a malformed record fails alone and is logged by message id, never by its body', async () => {
    const secretish = 'Bearer sk-live-DO-NOT-LOG-9f8e7d6c';
    const notJson = sqsRecord(`{"oops": "${secretish}"`);
    const wrongShape = sqsRecord(JSON.stringify({ id: 'x', note: secretish }));
    const good = sqsRecord(JSON.stringify(job(7)));
    const out = await dispatch(event(notJson, good, wrongShape));
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: notJson.messageId }, { itemIdentifier: wrongShape.messageId }]);
    const lines = logLines(h).filter((l) => l.msg === 'malformed delivery job');
    expect(lines.map((l) => l.messageId)).toEqual([notJson.messageId, wrongShape.messageId]);
    expect(lines[0]!.reason).toBe('invalid JSON');
    expect(String(lines[1]!.reason)).toMatch(/^invalid job: /);
    expect(h.logs.join('\n')).not.toContain('DO-NOT-LOG');
    expect(h.logs.join('\n')).not.toContain(HOOK_SECRET);
    expect(pager.requests).toHaveLength(1);
  });

  it("respects the Lambda's remaining time: a hanging vendor is cut off before the deadline and retried later", async () => {
    pager.fallback = { status: 200, body: {}, delayMs: 5_000 };
    const record = sqsRecord(JSON.stringify(job(8)));
    const started = Date.now();
    const out = await dispatch(event(record), 3_800); // 800 ms left after the 3 s margin
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    const line = logLines(h).find((l) => l.msg === 'delivery' && l.outcome === 'retry');
    expect(String(line?.reason)).toContain('deadline');
    // The claim was released: a later invocation may deliver it.
    pager.fallback = { status: 200, body: {} };
    expect((await dispatch(event(record))).batchItemFailures).toEqual([]);
  });
});

// Each receiver's channel is built on its own: one whose secret cannot be read (deleted, renamed, access denied, a
// typo in a key) fails only its own jobs — as a primary that failed for good: its fallback if it has one, else a
// batch item failure — and is built again by the next invocation. It used to fail the whole invocation: every
// record of every receiver redelivered, then DLQ'd, a healthy pager silenced by a broken Slack secret.
describe('dispatch with a receiver whose channel cannot be built', () => {
  const NOT_FOUND = Object.assign(new Error('not found'), { name: 'ParameterNotFound' });
  beforeEach(async () => {
    await h.configure({
      targets: [{ name: 'x', url: 'http://127.0.0.1:9/metrics' }],
      receivers: [
        { name: 'pager', channel: { type: 'webhook', url: { ssm: { name: '/pw/pager-url' } }, secret: { ssm: { name: '/pw/hook-secret' } } } },
        // Its URL parameter is gone (ParameterNotFound): only jobs for `chat` should be affected.
        { name: 'chat', channel: { type: 'webhook', url: { ssm: { name: '/pw/chat-url' } }, secret: { ssm: { name: '/pw/hook-secret' } } } },
        { name: 'backup', channel: { type: 'webhook', url: { ssm: { name: '/pw/backup-url' } }, secret: { ssm: { name: '/pw/hook-secret' } } } },
      ],
      delivery: { maxAttempts: 1, deadline: '5s', perAttemptTimeout: '2s' },
    });
    ssmMock.on(GetParameterCommand, { Name: '/pw/pager-url' }).resolves({ Parameter: { Value: `${pager.url}/hook` } });
    ssmMock.on(GetParameterCommand, { Name: '/pw/backup-url' }).resolves({ Parameter: { Value: `${backup.url}/hook` } });
    ssmMock.on(GetParameterCommand, { Name: '/pw/hook-secret' }).resolves({ Parameter: { Value: HOOK_SECRET } });
    ssmMock.on(GetParameterCommand, { Name: '/pw/chat-url' }).rejects(NOT_FOUND);
  });
  const ssmReads = (name: string) => ssmMock.commandCalls(GetParameterCommand).filter((c) => c.args[0].input.Name === name).length;

  it('still delivers the jobs of the healthy receivers and fails only the broken receiver’s records', async () => {
    const ok = sqsRecord(JSON.stringify(job(11)));
    const broken = sqsRecord(JSON.stringify({ ...job(12), receiver: 'chat' }));
    let out: SQSBatchResponse | undefined;
    let thrown: unknown;
    try {
      out = await dispatch(event(ok, broken));
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeUndefined();
    expect(pager.requests).toHaveLength(1);
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: broken.messageId }] });
    // Logged with the receiver's name and the error's class: no ref, URL or secret.
    const unavailable = logLines(h).filter((l) => l.msg === 'receiver channel unavailable');
    expect(unavailable).toEqual([expect.objectContaining({ level: 'error', receiver: 'chat', channel: 'webhook', error: 'ParameterNotFound' })]);
    expect(logLines(h).find((l) => l.msg === 'delivery' && l.outcome === 'failed')).toMatchObject({ receiver: 'chat', reason: 'channel unavailable (ParameterNotFound)' });
    expect(h.logs.join('\n')).not.toContain('/pw/chat-url');
    expect(h.logs.join('\n')).not.toContain(HOOK_SECRET);
  });

  it('a broken primary with a fallback receiver hands its job to the fallback, which says why', async () => {
    const primary = { ...job(13), receiver: 'chat', fallback: 'backup' };
    const out = await dispatch(event(sqsRecord(JSON.stringify(primary))));
    expect(out.batchItemFailures).toEqual([]);
    const [fallback] = sentJobs();
    expect(fallback).toMatchObject({ id: `${primary.id}:fallback`, receiver: 'backup', primaryFailure: { receiver: 'chat', reason: 'channel unavailable (ParameterNotFound)' } });
    expect((await dispatch(event(sqsRecord(JSON.stringify(fallback))))).batchItemFailures).toEqual([]);
    expect(backup.requests).toHaveLength(1);
    expect(backup.requests[0]!.body).toContain('channel unavailable (ParameterNotFound)');
  });

  it('a failed build is not kept: the redelivered record goes through once the secret is back; a built channel is kept', async () => {
    const record = sqsRecord(JSON.stringify({ ...job(14), receiver: 'chat' }));
    const healthy = () => sqsRecord(JSON.stringify(job(15)));
    expect((await dispatch(event(record, healthy()))).batchItemFailures).toEqual([{ itemIdentifier: record.messageId }]);
    ssmMock.on(GetParameterCommand, { Name: '/pw/chat-url' }).resolves({ Parameter: { Value: `${backup.url}/chat` } });
    expect((await dispatch(event(record, healthy()))).batchItemFailures).toEqual([]);
    expect(backup.requests.map((r) => r.path)).toEqual(['/chat']);
    expect(ssmReads('/pw/chat-url')).toBe(2);
    expect(ssmReads('/pw/pager-url')).toBe(1); // built once, reused by the second invocation
  });

  it("a batch without the broken receiver's jobs never reads its secret", async () => {
    expect((await dispatch(event(sqsRecord(JSON.stringify(job(16)))))).batchItemFailures).toEqual([]);
    expect(pager.requests).toHaveLength(1);
    expect(ssmReads('/pw/chat-url')).toBe(0);
    expect(logLines(h).some((l) => l.msg === 'receiver channel unavailable')).toBe(false);
  });
});
