import { readFileSync } from 'node:fs';
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { GetParameterCommand } from '@aws-sdk/client-ssm';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseJsonConfig } from '../../functions/config/validate.ts';
import { ConfigError } from '../../functions/platform/errors.ts';
import { DynamoLedger } from '../../functions/platform/aws/dynamo-ledger.ts';
import { CONFIG_PARAMETER, GetSecretValueCommand, RECEIVER_SECRET_ID, lambdaContext, logLines, sentJobs, smMock, sqsMock, ssmMock, startHarness, webhookEvent, type Harness } from './harness.ts';

const TOKEN = 'am-receiver-token-3f9a8b7c6d5e4f30';
const PAYLOAD = readFileSync(new URL('../fixtures/alertmanager/codex-pooler-firing-resolved.json', import.meta.url), 'utf8');
const CONFIG = {
  targets: [],
  receiver: { auth: 'none', maxBodyBytes: 64 * 1024 },
  receivers: [{ name: 'hook', channel: { type: 'webhook', url: { ssm: { name: '/pw/hook-url' } }, secret: { ssm: { name: '/pw/hook-secret' } } } }],
};

let h: Harness;
let handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2> | undefined;

beforeAll(async () => {
  h = await startHarness();
  await h.configure(CONFIG);
  smMock.on(GetSecretValueCommand, { SecretId: RECEIVER_SECRET_ID }).resolves({ SecretString: TOKEN });
  // The entry reads RECEIVER_SECRET_ID and prefetches the secret at import (cold start), so import it now.
  vi.stubEnv('RECEIVER_SECRET_ID', RECEIVER_SECRET_ID);
  const entry = await import('../../functions/alertmanager-webhook.ts');
  handler = (event, context) => entry.handler(event, context);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await h.close();
});
beforeEach(async () => {
  await h.configure(CONFIG);
});

const post = async (body: string, opts: Parameters<typeof webhookEvent>[1] = { authorization: `Bearer ${TOKEN}` }) => (await handler(webhookEvent(body, opts), lambdaContext(10_000)))!;
const json = (r: APIGatewayProxyStructuredResultV2) => JSON.parse(String(r.body)) as Record<string, unknown>;

describe('alertmanager-webhook handler', () => {
  it('accepts a valid batch into SQS, records its key, and answers a retried webhook as duplicate', async () => {
    const first = await post(PAYLOAD);
    expect(first.statusCode).toBe(200);
    expect(json(first)).toEqual({ status: 'accepted' });
    expect(first.headers?.['content-type']).toMatch(/application\/json/);
    const jobs = sentJobs();
    expect(jobs.length).toBeGreaterThan(0);
    expect(jobs.every((j) => j.receiver === 'hook' && j.notification.alerts.every((a) => a.source === 'alertmanager'))).toBe(true);
    const ledger = new DynamoLedger({ client: h.dynamo.client, tableName: h.table });
    const line = logLines(h).find((l) => l.msg === 'alertmanager webhook');
    expect(line).toMatchObject({ status: 200, reason: 'accepted', fn: 'alertmanager-webhook' });
    expect(typeof line?.awsRequestId).toBe('string');
    expect(await ledger.has(`webhook:${String(line?.key)}`)).toBe(true);

    const again = await post(PAYLOAD);
    expect(again.statusCode).toBe(200);
    expect(json(again)).toEqual({ status: 'duplicate' });
    expect(sentJobs().length).toBe(jobs.length);
    expect(h.logs.join('\n')).not.toContain(TOKEN);
  });

  it('decodes a base64 body (API Gateway sends binary-looking bodies that way)', async () => {
    const r = await post(PAYLOAD, { authorization: `Bearer ${TOKEN}`, base64: true });
    expect(r.statusCode).toBe(200);
    expect(json(r)).toEqual({ status: 'accepted' });
  });

  it('401 without or with wrong credentials, with a challenge and nothing queued', async () => {
    for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${Buffer.from(`x:${TOKEN}`).toString('base64')}`]) {
      const r = await post(PAYLOAD, authorization === undefined ? {} : { authorization });
      expect(r.statusCode).toBe(401);
      expect(r.headers?.['www-authenticate']).toMatch(/^Bearer realm=/);
    }
    expect(sentJobs()).toEqual([]);
  });

  it('413 over the configured body cap, 400 on invalid JSON or payload, 415 on a non-JSON type', async () => {
    const big = JSON.stringify({ ...JSON.parse(PAYLOAD), padding: 'x'.repeat(70 * 1024) });
    expect((await post(big)).statusCode).toBe(413);
    const bad = await post('{"version": "4", "alerts": [');
    expect(bad.statusCode).toBe(400);
    expect(json(bad)).toEqual({ error: 'invalid JSON' });
    const invalid = await post(JSON.stringify({ version: '4', alerts: 'nope' }));
    expect(invalid.statusCode).toBe(400);
    expect(json(invalid).error).toBe('invalid payload');
    const text = await post(PAYLOAD, { authorization: `Bearer ${TOKEN}`, headers: { 'content-type': 'text/plain' } });
    expect(text.statusCode).toBe(415);
    expect(sentJobs()).toEqual([]);
  });

  it('503 when SQS does not take the jobs (Alertmanager retries), and the key is not recorded', async () => {
    sqsMock.on(SendMessageBatchCommand).rejects(Object.assign(new Error('down'), { name: 'ServiceUnavailable' }));
    const r = await post(PAYLOAD);
    expect(r.statusCode).toBe(503);
    sqsMock.reset();
    sqsMock.on(SendMessageBatchCommand).callsFake((input: { Entries?: Array<{ Id?: string }> }) => ({ Successful: (input.Entries ?? []).map((e) => ({ Id: e.Id, MessageId: 'm', MD5OfMessageBody: 'x' })), Failed: [] }));
    const retried = await post(PAYLOAD);
    expect(json(retried)).toEqual({ status: 'accepted' });
  });

  it('validates the sections it reads as the whole config does, and leaves the channels’ settings to dispatch', async () => {
    // Intended, as for the probe: routing needs a receiver's name, not its channel's settings (config-json and
    // dispatch refuse those), so the webhook keeps accepting alerts and the channel schemas stay out of its cold start.
    await h.configure({ ...CONFIG, receivers: [{ name: 'hook', channel: { type: 'webhook', url: 42 } }], samplerLogs: { thresholdRatio: 7 } });
    expect(json(await post(PAYLOAD))).toEqual({ status: 'accepted' });
    expect(sentJobs().map((j) => j.receiver)).toContain('hook');

    const broken = { ...CONFIG, receiver: { auth: 'none', maxBodyBytes: 10 } };
    await h.configure(broken);
    const r = await post(PAYLOAD);
    expect(r.statusCode).toBe(500);
    const failure = logLines(h).find((l) => l.msg === 'invocation failed')?.error as { name: string; message: string } | undefined;
    expect(failure?.message).toMatch(/^receiver\.maxBodyBytes: /m);
    expect(() => parseJsonConfig(JSON.stringify(broken), `ssm:${CONFIG_PARAMETER}`)).toThrow(new ConfigError(failure?.message ?? '?'));
    expect(sentJobs()).toEqual([]);
  });

  it('an internal failure (config unreadable) is a bare 500 that exposes nothing', async () => {
    ssmMock.reset();
    ssmMock.on(GetParameterCommand).rejects(Object.assign(new Error('User: arn:aws:sts::123456789012:assumed-role/x is not authorized'), { name: 'AccessDeniedException' }));
    const r = await post(PAYLOAD);
    expect(r.statusCode).toBe(500);
    expect(json(r)).toEqual({ error: 'internal error' });
    expect(String(r.body)).not.toContain('arn:aws');
    expect(logLines(h).some((l) => l.msg === 'invocation failed' && l.level === 'error')).toBe(true);
  });
});
