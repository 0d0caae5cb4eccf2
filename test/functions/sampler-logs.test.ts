import { gzipSync } from 'node:zlib';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { CloudWatchLogsEvent, Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseJsonConfig } from '../../functions/config/validate.ts';
import { ConfigError } from '../../functions/platform/errors.ts';
import type { SamplerLogsOutcome } from '../../functions/platform/aws/sampler-logs-adapter.ts';
import { MEMO_UPDATE_ATTEMPTS, MEMO_UPDATE_BACKOFF, SAMPLER_STATE_KEY } from '../../functions/platform/aws/sampler-logs-deps.ts';
import { dynamo } from '../../functions/platform/aws/shared-clients.ts';
import { DynamoStateStore } from '../../functions/platform/aws/dynamo-state-store.ts';
import { decodeCloudWatchLogs } from '../../functions/platform/aws/cloudwatch-logs-event.ts';
import type { SamplerMemo } from '../../functions/core/sampler/index.ts';
import { HOSTILE_LINES, SECRETS } from '../core/sampler/hostile.ts';
import { fixture } from '../core/sampler/helpers.ts';
import { CONFIG_PARAMETER, lambdaContext, logLines, sentJobs, sqsMock, startHarness, type Harness } from './harness.ts';

const CONFIG = { targets: [{ name: 'unused', url: 'http://127.0.0.1:9/metrics' }], receivers: [{ name: 'hook', channel: { type: 'webhook', url: { ssm: { name: '/pw/hook-url' } }, secret: { ssm: { name: '/pw/hook-secret' } } } }] };
const SCHEDULER = fixture('scheduler-mailbox.jsonl').trim().split('\n');

let h: Harness;
let handler: (event: CloudWatchLogsEvent, context: Context) => Promise<SamplerLogsOutcome>;

beforeAll(async () => {
  h = await startHarness();
  await h.configure(CONFIG);
  const entry = await import('../../functions/sampler-logs.ts');
  handler = (event, context) => entry.handler(event, context) as Promise<SamplerLogsOutcome>;
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  await h.configure(CONFIG);
});

/** A subscription event as CloudWatch Logs sends it: base64(gzip(JSON)), one log event per line. */
function logsEvent(messages: string[], opts: { messageType?: string; firstTs?: number } = {}): CloudWatchLogsEvent {
  const first = opts.firstTs ?? Date.parse('2026-11-24T11:00:00Z');
  const payload = {
    messageType: opts.messageType ?? 'DATA_MESSAGE',
    owner: '123456789012',
    logGroup: '/aws/containerinsights/codex-pooler/application',
    logStream: 'codex-pooler-scheduler-5c8d7b9f4-q7m2n_codex-pooler_app-5f0c2a6e9b1d',
    subscriptionFilters: ['pooler-watch-ci-SamplerDashlogsLogsSubscriptionFilterCloudWatchLog1'],
    logEvents: messages.map((message, i) => ({ id: `3792${String(i).padStart(52, '0')}`, timestamp: first + i * 1000, message, extractedFields: { x: 'y' } })),
  };
  return { awslogs: { data: gzipSync(JSON.stringify(payload)).toString('base64') } };
}

const raw = (data: string): CloudWatchLogsEvent => ({ awslogs: { data } });

describe('sampler-logs handler (CloudWatch Logs subscription)', () => {
  it('decodes the batch, ingests the snapshots into SQS through routing, and logs counts only', async () => {
    const out = await handler(logsEvent(SCHEDULER), lambdaContext());
    expect(out).toMatchObject({ status: 'ingested', lines: 9, snapshots: 4, skipped: 5, rejected: 0, findings: 3, accepted: 3, duplicates: 0 });
    const jobs = sentJobs();
    expect(jobs.map((j) => j.notification.alerts[0]!.rule).sort()).toEqual(['sampler-queue-growth', 'sampler-repeated', 'sampler-threshold']);
    expect(jobs.every((j) => j.receiver === 'hook' && j.notification.alerts.every((a) => a.source === 'sampler-logs'))).toBe(true);
    const line = logLines(h).find((l) => l.msg === 'sampler logs');
    expect(line).toMatchObject({ level: 'info', fn: 'sampler-logs', logGroup: '/aws/containerinsights/codex-pooler/application', events: 9, snapshots: 4, accepted: 3 });
    const store = new DynamoStateStore<SamplerMemo>({ client: h.dynamo.client, tableName: h.table, key: SAMPLER_STATE_KEY });
    expect((await store.load())?.pods['codex-pooler-scheduler-5c8d7b9f4-q7m2n']?.snapshots).toHaveLength(4);
  });

  it('a redelivered batch (Lambda retry) never notifies twice; a batch split over invocations finds the same', async () => {
    await handler(logsEvent(SCHEDULER.slice(0, 5)), lambdaContext());
    const second = await handler(logsEvent(SCHEDULER.slice(5)), lambdaContext());
    // Queue growth needs three snapshots: the memo in DynamoDB carried the first two over.
    expect(sentJobs().map((j) => j.notification.alerts[0]!.rule)).toContain('sampler-queue-growth');
    expect(second.status).toBe('ingested');
    const count = sentJobs().length;
    const again = await handler(logsEvent(SCHEDULER), lambdaContext());
    expect(again).toMatchObject({ accepted: 0, duplicates: 3 });
    expect(sentJobs().length).toBe(count);
  });

  it('validates the sections it reads as the whole config does, and leaves the channels’ settings to dispatch', async () => {
    // Intended, as for the probe: routing needs a receiver's name, not its channel's settings (config-json and
    // dispatch refuse those), so findings keep flowing and the channel schemas stay out of its cold start.
    await h.configure({ ...CONFIG, receivers: [{ name: 'hook', channel: { type: 'webhook', url: 42 } }], receiver: { port: 'x' } });
    expect(await handler(logsEvent(SCHEDULER), lambdaContext())).toMatchObject({ status: 'ingested', accepted: 3 });
    expect(sentJobs().every((j) => j.receiver === 'hook')).toBe(true);

    const broken = { ...CONFIG, samplerLogs: { thresholdRatio: 7 } };
    await h.configure(broken);
    await expect(handler(logsEvent(SCHEDULER), lambdaContext())).rejects.toThrow(/sampler-logs failed \(ConfigError\)/);
    const failure = logLines(h).find((l) => l.msg === 'invocation failed')?.error as { name: string; message: string } | undefined;
    expect(failure?.message).toMatch(/^samplerLogs\.thresholdRatio: /m);
    expect(() => parseJsonConfig(JSON.stringify(broken), `ssm:${CONFIG_PARAMETER}`)).toThrow(new ConfigError(failure?.message ?? '?'));
    expect(sentJobs()).toEqual([]);
  });

  it('a control message is acknowledged and nothing is queued', async () => {
    expect(await handler(logsEvent([], { messageType: 'CONTROL_MESSAGE' }), lambdaContext())).toEqual({ status: 'control' });
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });

  it('hostile payloads are refused with a fixed reason, no crash, nothing queued', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024)).toString('base64');
    const cases: Array<[CloudWatchLogsEvent, RegExp]> = [
      [raw('not base64 at all!'), /not base64/],
      [raw(Buffer.from('plain text, not gzip').toString('base64')), /not gzip/],
      [raw(bomb), /inflates past 16777216 bytes/],
      [raw(gzipSync('{"messageType": "DATA_MESSAGE", "logEvents": [').toString('base64')), /not JSON/],
      [raw(gzipSync(`{"a":${'['.repeat(10_000)}${']'.repeat(10_000)}}`).toString('base64')), /nested too deeply/],
      [raw(gzipSync(JSON.stringify({ messageType: 'DATA_MESSAGE', logGroup: 'g', logStream: 's', logEvents: [{ id: '1', timestamp: 'x', message: 'm' }] })).toString('base64')), /invalid logEvents\.0\.timestamp/],
      [{} as CloudWatchLogsEvent, /no awslogs\.data/],
    ];
    for (const [event, reason] of cases) {
      const out = await handler(event, lambdaContext());
      expect(out.status).toBe('rejected');
      expect(out.status === 'rejected' && out.reason).toMatch(reason);
    }
    expect(sqsMock.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
    expect(logLines(h).filter((l) => l.msg === 'sampler logs payload rejected')).toHaveLength(cases.length);
  });

  it('the bomb is stopped by zlib at the cap, not inflated in full', () => {
    const bomb = gzipSync(Buffer.alloc(8 * 1024 * 1024));
    expect(() => decodeCloudWatchLogs(raw(bomb.toString('base64')), { base64Chars: 1e9, decompressedBytes: 1024 })).toThrow(/inflates past 1024 bytes/);
  });

  it('rejected events are counted by number; no secret or log content reaches SQS or the logs', async () => {
    const out = await handler(logsEvent([...HOSTILE_LINES, `{"message":"memory sampler snapshot","x":1`], { firstTs: Date.parse('2026-11-24T10:00:00Z') }), lambdaContext());
    expect(out).toMatchObject({ status: 'ingested', rejected: 3 });
    const line = logLines(h).find((l) => l.msg === 'sampler logs');
    expect(line).toMatchObject({ level: 'warn', rejects: ['event 3: invalid pod', 'event 4: invalid JSON', 'event 6: invalid JSON'] });
    expect(sentJobs().length).toBeGreaterThan(0);
    const everything = [...h.logs, ...sqsMock.commandCalls(SendMessageBatchCommand).map((c) => JSON.stringify(c.args[0].input))].join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });
});

// Every batch read-modify-writes one memo item (`state#sampler`) under an optimistic lock. What keeps concurrent
// subscription batches from losing it in production is the function's reserved concurrency of 1 (serverless.yml:
// a throttled async event is retried by Lambda for up to 6 h; test/infra/serverless-package.test.ts checks the
// settings, the on-failure queue and the Errors alarm). The retry loop, now with jittered backoff, covers what
// overlaps anyway; it cannot make any number of concurrent writers lossless, but up to MEMO_UPDATE_ATTEMPTS it does:
// each conflict means another writer committed meanwhile, so a writer fails at most (writers - 1) times.
describe('sampler-logs memo under concurrent batches', () => {
  const memo = () => new DynamoStateStore<SamplerMemo>({ client: h.dynamo.client, tableName: h.table, key: SAMPLER_STATE_KEY });

  it('as many concurrent batches as the memo has attempts: every one is ingested and committed', async () => {
    const waits: number[] = [];
    await h.configure(CONFIG, { retry: { sleep: (ms) => new Promise<void>((resolve) => setTimeout(() => resolve(void waits.push(ms)), ms)) } });
    const base = Date.parse('2026-11-24T11:00:00Z');
    const batches = Array.from({ length: MEMO_UPDATE_ATTEMPTS }, (_, i) => logsEvent(SCHEDULER, { firstTs: base + i * 600_000 }));
    const settled = await Promise.allSettled(batches.map((e) => handler(e, lambdaContext())));
    const failed = settled.filter((s) => s.status === 'rejected').map((s) => String((s as PromiseRejectedResult).reason));
    expect(failed).toEqual([]);
    expect((await memo().loadWithVersion()).version).toBe(MEMO_UPDATE_ATTEMPTS); // one commit per batch
    for (const ms of waits) expect(ms).toBeLessThan(MEMO_UPDATE_BACKOFF.maxMs);
  });

  it('a conflict waits a jittered, doubling backoff, then re-applies the batch on the newer memo', async () => {
    const waits: number[] = [];
    await h.configure(CONFIG, { retry: { random: () => 0.5, sleep: async (ms) => void waits.push(ms) } });
    await handler(logsEvent(SCHEDULER.slice(0, 5)), lambdaContext()); // the memo exists: version 1
    // Another writer commits right before each of this invocation's next 3 conditional puts of the memo.
    let conflicts = 3;
    dynamo().middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { ConditionExpression?: string; Item?: { pk?: { S?: string } } };
        if (input.ConditionExpression !== undefined && input.Item?.pk?.S === SAMPLER_STATE_KEY && conflicts > 0) {
          conflicts -= 1;
          await memo().update((cur) => cur!);
        }
        return next(args);
      },
      { step: 'build', name: 'competingMemoWriter' },
    );
    const out = await handler(logsEvent(SCHEDULER.slice(5)), lambdaContext());
    expect(out.status).toBe('ingested');
    expect(waits).toEqual([0.5 * 50, 0.5 * 100, 0.5 * 200].map(Math.floor));
    expect(MEMO_UPDATE_BACKOFF.baseMs).toBe(50);
    // Re-applied on top of the competing commits: the first batch's snapshots are still there, with the second's.
    expect(await memo().loadWithVersion()).toMatchObject({ version: 5 });
    expect((await memo().load())?.pods['codex-pooler-scheduler-5c8d7b9f4-q7m2n']?.snapshots).toHaveLength(4);
  });
});
