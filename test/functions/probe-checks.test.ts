import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/probe.ts';
import type { ProbeSummary } from '../../functions/platform/aws/probe-run.ts';
import { startServer, type TestServer } from '../platform/http-servers.ts';
import { GetSecretValueCommand, lambdaContext, logLines, metricData, scheduledEvent, sentJobs, smMock, startHarness, type Harness } from './harness.ts';

const KEY = 'pw-aws-check-key-Zk83hQ1vB6';
const KEY_ID = 'pooler-watch/test/check-key';

let h: Harness;
let server: TestServer;
let clock = Date.parse('2026-11-24T10:00:00Z');

beforeAll(async () => {
  h = await startHarness();
  server = await startServer((req, res) => (req.url === '/ok' && req.headers['x-api-key'] === KEY ? res.writeHead(200).end('{"status":"ok"}') : res.writeHead(503).end(KEY)));
});
afterAll(async () => {
  await server.close();
  await h.close();
});

beforeEach(async () => {
  await h.configure(
    {
      checks: [
        { name: 'api', url: `${server.url}/ok`, headers: { 'X-Api-Key': { secretsManager: { id: KEY_ID } } }, expectBody: [{ type: 'jsonPath', path: '$.status', equals: 'ok' }] },
        { name: 'broken', url: `${server.url}/broken`, failureThreshold: 2 },
      ],
      interval: '1m',
      receivers: [{ name: 'hook', channel: { type: 'webhook', url: { ssm: { name: '/pw/hook-url' } }, secret: { ssm: { name: '/pw/hook-secret' } } } }],
      routing: { route: { receiver: 'hook', groupWait: '0s' } },
    },
    { now: () => clock },
  );
  smMock.on(GetSecretValueCommand, { SecretId: KEY_ID }).resolves({ SecretString: KEY });
});

const round = async (): Promise<ProbeSummary> => {
  clock += 60_000;
  return handler(scheduledEvent(), lambdaContext()) as Promise<ProbeSummary>;
};

describe('probe handler with synthetic HTTP checks', () => {
  it('runs the checks beside the scrape, alerts through the pipeline and publishes Check metrics, secret-free', async () => {
    const first = await round();
    expect(first.outcome).toBe('committed');
    expect(sentJobs()).toEqual([]);
    await round();
    const rules = sentJobs().flatMap((j) => j.notification.alerts.map((a) => [a.rule, a.pod]));
    expect(rules).toEqual([['http-check-failed', 'broken']]);

    const data = metricData();
    const byName = (n: string) => data.filter((d) => d.MetricName === n).map((d) => [d.Dimensions?.find((x) => x.Name === 'Check')?.Value, d.Value]);
    expect(byName('CheckSuccess')).toEqual([['api', 1], ['broken', 0], ['api', 1], ['broken', 0]]);
    expect(byName('CheckLatencyMs').length).toBe(4);
    expect(data.filter((d) => d.MetricName === 'CheckSuccess').every((d) => d.Dimensions?.some((x) => x.Name === 'Stage' && x.Value === 'test'))).toBe(true);

    // The server answers the failing check with the key as its body: it must not travel either.
    const everything = JSON.stringify(data) + JSON.stringify(sentJobs()) + h.logs.join('\n');
    expect(everything).not.toContain(KEY);
    expect(logLines(h).some((l) => l.msg === 'http check' && l.check === 'api' && l.verdict === 'ok')).toBe(true);
  });
});
