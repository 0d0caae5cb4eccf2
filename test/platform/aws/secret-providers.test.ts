import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SecretRef } from '../../../functions/config/secret-ref.ts';
import { setAwsClientOptions } from '../../../functions/platform/aws/shared-clients.ts';
import { createAwsSecretProviders, defaultAwsSecretProviders } from '../../../functions/platform/aws/secret-providers.ts';
import { ConfigError } from '../../../functions/platform/errors.ts';
import { describeSecretRef, resolveSecret } from '../../../functions/platform/secrets.ts';
import { FAKE_CREDENTIALS } from './local-dynamo.ts';

const sm = mockClient(SecretsManagerClient);
const ssmMock = mockClient(SSMClient);
const awsError = (name: string, message = `${name}: arn:aws:secretsmanager:eu-west-1:123456789012:secret:x`) => Object.assign(new Error(message), { name });

beforeAll(() => {
  setAwsClientOptions({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
});
beforeEach(() => {
  sm.reset();
  ssmMock.reset();
  defaultAwsSecretProviders().clear();
});
afterEach(() => {
  sm.reset();
  ssmMock.reset();
});

describe('SecretRef AWS kinds', () => {
  it('parses secretsManager and ssm refs strictly', () => {
    expect(SecretRef.parse({ secretsManager: { id: 'pooler/pd', key: 'routingKey' } })).toEqual({ secretsManager: { id: 'pooler/pd', key: 'routingKey' } });
    expect(SecretRef.parse({ ssm: { name: '/pooler/slack' } })).toEqual({ ssm: { name: '/pooler/slack' } });
    expect(SecretRef.safeParse({ secretsManager: { id: '' } }).success).toBe(false);
    expect(SecretRef.safeParse({ secretsManager: { id: 'x', extra: 1 } }).success).toBe(false);
    expect(SecretRef.safeParse({ ssm: { name: 'x' }, env: 'Y' }).success).toBe(false);
  });

  it('describes them by id/name (and key), never by value', () => {
    expect(describeSecretRef({ secretsManager: { id: 'pooler/pd' } })).toBe('secretsManager:pooler/pd');
    expect(describeSecretRef({ secretsManager: { id: 'pooler/pd', key: 'k' } })).toBe('secretsManager:pooler/pd#k');
    expect(describeSecretRef({ ssm: { name: '/p/s' } })).toBe('ssm:/p/s');
  });
});

describe('resolveSecret with AWS refs', () => {
  it('reads a whole SecretString, or one JSON key of it', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'pooler/channels' }).resolves({ SecretString: '{"routingKey":"R0UT1NG-key-abc","other":"x"}' });
    sm.on(GetSecretValueCommand, { SecretId: 'pooler/plain' }).resolves({ SecretString: 'plain-token-1\n' });
    expect((await resolveSecret({ secretsManager: { id: 'pooler/channels', key: 'routingKey' } }, {})).reveal()).toBe('R0UT1NG-key-abc');
    expect((await resolveSecret({ secretsManager: { id: 'pooler/plain' } }, {})).reveal()).toBe('plain-token-1');
  });

  it('reads an SSM SecureString with decryption', async () => {
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Name: '/pooler/slack', Type: 'SecureString', Value: 'xoxb-from-ssm' } });
    expect((await resolveSecret({ ssm: { name: '/pooler/slack' } }, {})).reveal()).toBe('xoxb-from-ssm');
    expect(ssmMock.commandCalls(GetParameterCommand)[0]?.args[0].input).toEqual({ Name: '/pooler/slack', WithDecryption: true });
  });

  it('errors name the ref and the AWS error, never the value or the AWS message', async () => {
    sm.on(GetSecretValueCommand, { SecretId: 'missing' }).rejects(awsError('ResourceNotFoundException'));
    sm.on(GetSecretValueCommand, { SecretId: 'denied' }).rejects(awsError('AccessDeniedException'));
    sm.on(GetSecretValueCommand, { SecretId: 'json' }).resolves({ SecretString: '{"a":"s3cr3t-value-zzz","n":5}' });
    sm.on(GetSecretValueCommand, { SecretId: 'notjson' }).resolves({ SecretString: 's3cr3t-value-zzz' });
    sm.on(GetSecretValueCommand, { SecretId: 'binary' }).resolves({ SecretBinary: new Uint8Array([1, 2]) });
    ssmMock.on(GetParameterCommand).rejects(awsError('ParameterNotFound'));
    const cases: Array<[SecretRef, string]> = [
      [{ secretsManager: { id: 'missing' } }, 'secret secretsManager:missing: not found (ResourceNotFoundException)'],
      [{ secretsManager: { id: 'denied' } }, 'secret secretsManager:denied: access denied (AccessDeniedException)'],
      [{ secretsManager: { id: 'json', key: 'b' } }, 'secret secretsManager:json#b: key not found'],
      [{ secretsManager: { id: 'json', key: 'n' } }, 'secret secretsManager:json#n: key is not a string'],
      [{ secretsManager: { id: 'json', key: 'toString' } }, 'secret secretsManager:json#toString: key not found'],
      [{ secretsManager: { id: 'notjson', key: 'a' } }, 'secret secretsManager:notjson#a: SecretString is not JSON, so it has no key'],
      [{ secretsManager: { id: 'binary' } }, 'secret secretsManager:binary: no SecretString (binary secrets are not supported)'],
      [{ ssm: { name: '/nope' } }, 'secret ssm:/nope: not found (ParameterNotFound)'],
    ];
    for (const [ref, message] of cases) {
      const err = await resolveSecret(ref, {}).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as Error).message).toBe(message);
      expect((err as Error).message).not.toContain('s3cr3t');
    }
  });

  it('an empty SecretString is a ConfigError naming the ref', async () => {
    sm.on(GetSecretValueCommand).resolves({ SecretString: ' ' });
    await expect(resolveSecret({ secretsManager: { id: 'blank' } }, {})).rejects.toThrow('secret secretsManager:blank is empty');
  });
});

describe('createAwsSecretProviders cache', () => {
  const sec = new SecretsManagerClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', credentials: FAKE_CREDENTIALS });
  const par = new SSMClient({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9', credentials: FAKE_CREDENTIALS });

  it('fetches once per TTL (default 5 min), shared across keys and concurrent callers', async () => {
    let t = 0;
    sm.on(GetSecretValueCommand).resolves({ SecretString: '{"a":"one","b":"two"}' });
    ssmMock.on(GetParameterCommand).resolves({ Parameter: { Value: 'p' } });
    const p = createAwsSecretProviders({ secretsManager: () => sec, ssm: () => par, now: () => t });
    const ref = (key: string) => ({ secretsManager: { id: 'pooler/x', key } });
    expect(await Promise.all([p.secretsManager(ref('a')), p.secretsManager(ref('b')), p.secretsManager(ref('a'))])).toEqual(['one', 'two', 'one']);
    await p.ssm({ ssm: { name: '/a' } });
    t += 5 * 60_000 - 1;
    await p.secretsManager(ref('a'));
    await p.ssm({ ssm: { name: '/a' } });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(1);
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(1);
    t += 1;
    await p.secretsManager(ref('a'));
    await p.ssm({ ssm: { name: '/a' } });
    expect(sm.commandCalls(GetSecretValueCommand)).toHaveLength(2);
    expect(ssmMock.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('does not cache failures', async () => {
    sm.on(GetSecretValueCommand).rejectsOnce(awsError('ThrottlingException')).resolves({ SecretString: 'ok-value' });
    const p = createAwsSecretProviders({ secretsManager: () => sec, ttlMs: 60_000 });
    await expect(p.secretsManager({ secretsManager: { id: 'x' } })).rejects.toThrow('secret secretsManager:x: cannot be read (ThrottlingException)');
    expect(await p.secretsManager({ secretsManager: { id: 'x' } })).toBe('ok-value');
  });
});
