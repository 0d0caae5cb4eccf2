import { readFileSync } from 'node:fs';
import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { handler } from '../../functions/probe.ts';
import { PROBE_STATE_KEY, type ProbeState } from '../../functions/platform/aws/deps.ts';
import { DynamoStateStore } from '../../functions/platform/aws/dynamo-state-store.ts';
import type { ProbeSummary } from '../../functions/platform/aws/probe-run.ts';
import { ManualClock, startSimulator, type Simulator } from '../../functions/simulator/index.ts';
import { cwMock, lambdaContext, logLines, metricData, scheduledEvent, sentJobs, smMock, sqsMock, startHarness, type Harness } from './harness.ts';

const SIM_TOKEN = 'simtokQ7hZ2kLmN9pR4sT6vW8x';
const SIM_SECRET = 'pooler-watch/test/sim-token';

let h: Harness;
let sim: Simulator;
let clock: ManualClock;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h.close();
});

beforeEach(async () => {
  clock = new ManualClock(Date.parse('2026-11-24T10:00:00Z'));
  sim?.close();
  sim = await startSimulator({ clock, token: SIM_TOKEN, pods: 2, seed: 3 });
  await h.configure(
    {
      targets: [
        { name: 'prometheus', kind: 'federate', url: sim.federateUrl, token: { secretsManager: { id: SIM_SECRET } } },
        { name: 'dead', url: 'http://127.0.0.1:9/metrics', connectTimeout: '500ms' },
        // A name that (wrongly) embeds the token: its metric dimension must come out redacted.
        { name: `leaky-${SIM_TOKEN}`, url: 'http://127.0.0.1:9/metrics', connectTimeout: '500ms' },
      ],
      interval: '1m',
      receivers: [{ name: 'hook', channel: { type: 'webhook', url: { ssm: { name: '/pw/hook-url' } }, secret: { ssm: { name: '/pw/hook-secret' } } } }],
      routing: { route: { receiver: 'hook', groupWait: '0s' } },
    },
    { now: () => clock.now() },
  );
  smMock.on(GetSecretValueCommand, { SecretId: SIM_SECRET }).resolves({ SecretString: SIM_TOKEN });
});

const invoke = (remainingMs = 30_000) => handler(scheduledEvent(), lambdaContext(remainingMs)) as Promise<ProbeSummary>;

async function stored(): Promise<ProbeState | undefined> {
  return new DynamoStateStore<ProbeState>({ client: h.dynamo.client, tableName: h.table, key: PROBE_STATE_KEY }).load();
}

async function round(): Promise<ProbeSummary> {
  clock.advance(60_000);
  return invoke();
}

describe('probe handler', () => {
  it('scrapes, commits state, sends the due jobs to SQS and publishes metrics with sanitized dimensions', async () => {
    const first = await round();
    expect(first).toMatchObject({ outcome: 'committed', targets: 3, scrapesOk: 1, version: 1 });
    expect(sentJobs()).toEqual([]); // pending: forEvaluations 2
    const second = await round();
    expect(second.outcome).toBe('committed');
    expect(second.jobs.sent).toBeGreaterThan(0);
    const jobs = sentJobs();
    expect(jobs.map((j) => j.receiver)).toContain('hook');
    expect(jobs.flatMap((j) => j.notification.alerts.map((a) => a.rule))).toContain('scrape-failed');
    for (const call of sqsMock.commandCalls(SendMessageBatchCommand)) {
      expect(call.args[0].input.QueueUrl).toMatch(/pooler-watch-test-delivery$/);
      expect(call.args[0].input.Entries!.length).toBeLessThanOrEqual(10);
    }
    // Committed and cleared: nothing left pending once SQS accepted the jobs.
    const state = await stored();
    expect(state?.pendingJobs).toEqual([]);
    expect(state?.lastRoundAt).toBe(clock.now());

    const data = metricData();
    const names = new Set(data.map((d) => d.MetricName));
    for (const n of ['ProbeSuccess', 'ProbeLatencyMs', 'ScrapeBytes', 'AlertsFiring']) expect(names).toContain(n);
    const targetDims = data.filter((d) => d.MetricName === 'ProbeSuccess').map((d) => d.Dimensions?.find((x) => x.Name === 'Target')?.Value);
    expect(targetDims).toContain('prometheus');
    expect(targetDims).toContain('redacted');
    expect(JSON.stringify(data)).not.toContain(SIM_TOKEN);
    expect(data.every((d) => d.Dimensions?.some((x) => x.Name === 'Stage' && x.Value === 'test'))).toBe(true);
    expect(cwMock.commandCalls(PutMetricDataCommand).every((c) => c.args[0].input.Namespace === 'PoolerWatch')).toBe(true);
    // Every log line is JSON with the request id; no secret in any of them.
    const lines = logLines(h);
    expect(lines.filter((l) => l.msg === 'probe round').every((l) => typeof l.awsRequestId === 'string')).toBe(true);
    expect(h.logs.join('\n')).not.toContain(SIM_TOKEN);
  });

  it('publishes WorkingSetRatio and MinutesToOom per pod from the findings', async () => {
    sim.setScenario('binary-leak');
    let pods = new Set<string>();
    const seen = (name: string) => metricData().some((d) => d.MetricName === name);
    for (let i = 0; i < 200 && !(seen('MinutesToOom') && seen('WorkingSetRatio')); i++) await round();
    const ws = metricData().filter((d) => d.MetricName === 'WorkingSetRatio');
    expect(ws.length).toBeGreaterThan(0);
    pods = new Set(ws.map((d) => d.Dimensions?.find((x) => x.Name === 'Pod')?.Value ?? ''));
    expect([...pods].every((p) => sim.pods.includes(p))).toBe(true);
    expect(metricData().some((d) => d.MetricName === 'MinutesToOom')).toBe(true);
  });

  it('two overlapping invocations from the same starting state: only one sends the jobs', async () => {
    await round();
    clock.advance(60_000);
    const [a, b] = await Promise.all([invoke(), invoke()]);
    const outcomes = [a.outcome, b.outcome].sort();
    expect(outcomes).toEqual(['committed', 'superseded']);
    const jobs = sentJobs();
    expect(jobs.length).toBeGreaterThan(0);
    expect(new Set(jobs.map((j) => j.id)).size).toBe(jobs.length);
    expect((a.outcome === 'committed' ? a : b).jobs.sent).toBe(jobs.length);
    expect((a.outcome === 'superseded' ? a : b).jobs.sent).toBe(0);
    expect((await stored())?.pendingJobs).toEqual([]);
  });

  it('jobs SQS refuses after the commit stay pending in the state and the next round resends them', async () => {
    await round();
    sqsMock.on(SendMessageBatchCommand).rejects(Object.assign(new Error('throttled'), { name: 'RequestThrottled' }));
    const failed = await round();
    expect(failed.outcome).toBe('committed');
    expect(failed.jobs.failed).toBeGreaterThan(0);
    const pending = (await stored())?.pendingJobs ?? [];
    expect(pending.length).toBe(failed.jobs.failed);
    expect(pending.every((p) => p.leaseUntil === 0)).toBe(true);
    expect(metricData().some((d) => d.MetricName === 'NotificationsFailed')).toBe(true);

    sqsMock.reset();
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries?: Array<{ Id?: string }> }) => ({ Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: 'x' })), Failed: [] }));
    const next = await round();
    expect(next.jobs.reclaimed).toBe(pending.length);
    expect(sentJobs().map((j) => j.id)).toEqual(expect.arrayContaining(pending.map((p) => p.job.id)));
    expect((await stored())?.pendingJobs).toEqual([]);
  });

  it('resolves a Secrets Manager token through the client it loads on that first use', async () => {
    const first = await round();
    expect(first.scrapesOk).toBe(1);
    expect(smMock.commandCalls(GetSecretValueCommand).map((c) => c.args[0].input.SecretId)).toEqual([SIM_SECRET]);
    await round();
    expect(smMock.commandCalls(GetSecretValueCommand)).toHaveLength(1); // cached for the secret TTL
  });

  it('refuses a config broken in a section it reads, naming the path', async () => {
    const target = { name: 'prometheus', kind: 'federate', url: sim.federateUrl };
    const broken: Array<[Record<string, unknown>, string]> = [
      [{ targets: [{ ...target, url: 'not a url' }] }, 'targets.0.url'],
      [{ targets: [target], thresholds: { memoryWarnRatio: 3 } }, 'thresholds.memoryWarnRatio'],
      [{ targets: [target], receivers: [{ name: 'hook', channel: { type: 'fax' } }] }, 'receivers.0.channel.type'],
      [{ targets: [target], receivers: [{ name: 'hook', channel: { type: 'console' } }], routing: { route: { receiver: 'pager' } } }, 'routing.route'],
    ];
    for (const [config, path] of broken) {
      await h.configure(config, { now: () => clock.now() });
      await expect(invoke()).rejects.toMatchObject({ name: 'LambdaFailure', message: 'probe failed (ConfigError)' });
      expect(h.logs.join('\n')).toContain(path);
      expect(sentJobs()).toEqual([]);
    }
  });

  it('leaves a channel setting only dispatch reads to dispatch: the round still commits', async () => {
    // Refused by `config-json` and by dispatch (parseJsonConfig); the probe routes by receiver name only.
    await h.configure(
      { targets: [{ name: 'prometheus', kind: 'federate', url: sim.federateUrl }], receivers: [{ name: 'hook', channel: { type: 'webhook', url: 42 } }], samplerLogs: { thresholdRatio: 9 } },
      { now: () => clock.now() },
    );
    expect((await round()).outcome).toBe('committed');
  });

  it('a broken config fails the invocation without exposing it', async () => {
    await h.configure('targets: [ { name: "x", url: "not a url" } ]');
    await expect(invoke()).rejects.toMatchObject({ name: 'LambdaFailure', message: 'probe failed (ConfigError)' });
    expect(logLines(h).some((l) => l.msg === 'invocation failed' && typeof l.awsRequestId === 'string')).toBe(true);
  });
});

// Tokens are resolved per target: one whose secret cannot be read (deleted, renamed, access denied) used to fail
// every run — nothing scraped, no round committed, the whole watchdog blind because of one credential. It is now a
// `scrape-failed` finding for that target, like an unreachable one, and the others are scraped.
describe('probe with one target whose token cannot be resolved', () => {
  const GONE = 'pooler-watch/test/gone';
  beforeEach(async () => {
    await h.configure(
      {
        targets: [
          { name: 'prometheus', kind: 'federate', url: sim.federateUrl, token: { secretsManager: { id: SIM_SECRET } } },
          { name: 'other', url: 'http://127.0.0.1:9/metrics', token: { secretsManager: { id: GONE } } },
        ],
        receivers: [{ name: 'hook', channel: { type: 'webhook', url: { ssm: { name: '/pw/hook-url' } }, secret: { ssm: { name: '/pw/hook-secret' } } } }],
        routing: { route: { receiver: 'hook', groupWait: '0s' } },
      },
      { now: () => clock.now() },
    );
    smMock.on(GetSecretValueCommand, { SecretId: SIM_SECRET }).resolves({ SecretString: SIM_TOKEN });
    smMock.on(GetSecretValueCommand, { SecretId: GONE }).rejects(Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' }));
  });

  it('still scrapes the other targets and commits the round', async () => {
    let out: ProbeSummary | undefined;
    let thrown: unknown;
    try {
      out = await round();
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeUndefined(); // was: LambdaFailure "probe failed (ConfigError)" every minute
    expect(out).toMatchObject({ outcome: 'committed', targets: 2, scrapesOk: 1 });
    const success = metricData().filter((d) => d.MetricName === 'ProbeSuccess').map((d) => [d.Dimensions?.find((x) => x.Name === 'Target')?.Value, d.Value]);
    expect(success).toEqual(expect.arrayContaining([['prometheus', 1], ['other', 0]]));
    expect(logLines(h).filter((l) => l.msg === 'target token unavailable')).toEqual([expect.objectContaining({ level: 'error', target: 'other', error: 'ResourceNotFoundException' })]);
  });

  it("is an `unauthorized` scrape-failed finding naming the error's class only, alerting like any failed scrape", async () => {
    await round();
    await round(); // forEvaluations: 2
    const alerts = sentJobs().flatMap((j) => j.notification.alerts).filter((a) => a.rule === 'scrape-failed' && a.pod === 'other');
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts[0]!.summary).toContain('token unavailable (ResourceNotFoundException)');
    expect(alerts[0]!.severity).toBe('critical');
    const scrape = logLines(h).find((l) => l.msg === 'scrape' && l.target === 'other');
    expect(scrape).toMatchObject({ ok: false, reason: 'unauthorized' });
    // The secret's id is not in the finding, the jobs or the logs.
    expect(JSON.stringify(sentJobs())).not.toContain(GONE);
    expect(h.logs.join('\n')).not.toContain(GONE);
  });

  it('a token that could not be read is tried again on the next run; one that was read is kept for the TTL', async () => {
    await round();
    smMock.on(GetSecretValueCommand, { SecretId: GONE }).resolves({ SecretString: 'other-token-0123456789' });
    await round();
    const reads = (id: string) => smMock.commandCalls(GetSecretValueCommand).filter((c) => c.args[0].input.SecretId === id).length;
    expect(reads(GONE)).toBe(2);
    expect(reads(SIM_SECRET)).toBe(1);
    // Token at hand again: the target is scraped (here refused at the socket), no longer `token unavailable`.
    const last = logLines(h).filter((l) => l.msg === 'scrape' && l.target === 'other').at(-1);
    expect(last).toMatchObject({ ok: false, reason: 'down' });
  });
});

// The dead man's switch (infra/aws/resources.yml) counts the heartbeat every run publishes with the dimension Stage
// only. It used to count the per-target ProbeSuccess: with `targets: []` (a webhook- or checks-only deployment, both
// allowed) a healthy probe published none, and the "watchdog is blind" alarm fired forever.
describe("dead man's switch heartbeat", () => {
  const alarm = (): { MetricName: string; Dimensions: Array<{ Name: string }> } => {
    const resources = parseYaml(readFileSync(new URL('../../infra/aws/resources.yml', import.meta.url), 'utf8'), { logLevel: 'silent' }) as {
      Resources: Record<string, { Properties: { MetricName: string; Dimensions: Array<{ Name: string }> } }>;
    };
    return resources.Resources.ProbeDeadMansSwitchAlarm!.Properties;
  };
  const heartbeats = () => {
    const { MetricName, Dimensions } = alarm();
    return metricData().filter((d) => d.MetricName === MetricName && JSON.stringify(d.Dimensions?.map((x) => x.Name)) === JSON.stringify(Dimensions.map((x) => x.Name)));
  };

  it('a healthy probe run with no scrape targets (webhook-only deployment) publishes the metric the alarm counts', async () => {
    await h.configure(
      {
        receiver: {}, // webhook-only: Alertmanager posts to the HTTP API; the README's `targets: []` case
        targets: [],
        receivers: [{ name: 'hook', channel: { type: 'webhook', url: { ssm: { name: '/pw/hook-url' } }, secret: { ssm: { name: '/pw/hook-secret' } } } }],
        routing: { route: { receiver: 'hook' } },
      },
      { now: () => clock.now() },
    );
    let summary: ProbeSummary;
    try {
      summary = await round();
    } catch (err) {
      throw new Error(h.logs.join('\n'), { cause: err });
    }
    expect(summary.outcome).toBe('committed'); // the probe ran, and committed its round
    const published = heartbeats();
    expect(published.length).toBeGreaterThan(0);
    expect(published.every((d) => d.Dimensions?.some((x) => x.Name === 'Stage' && x.Value === 'test'))).toBe(true);
  });

  it('one per run, superseded runs included; the per-target metrics stay', async () => {
    await round();
    clock.advance(60_000);
    const [a, b] = await Promise.all([invoke(), invoke()]);
    expect([a.outcome, b.outcome].sort()).toEqual(['committed', 'superseded']);
    expect(heartbeats().map((d) => d.Value)).toEqual([1, 1, 1]);
    expect(metricData().filter((d) => d.MetricName === 'ProbeSuccess')).toHaveLength(9); // 3 targets x 3 runs
  });
});
