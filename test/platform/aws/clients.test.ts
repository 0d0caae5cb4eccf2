import { describe, expect, it } from 'vitest';
import { cloudwatch, dynamo, setAwsClientOptions, ssm } from '../../../functions/platform/aws/shared-clients.ts';
import { secretsManager } from '../../../functions/platform/aws/secrets-manager-client.ts';
import { sqs } from '../../../functions/platform/aws/sqs-client.ts';
import { FAKE_CREDENTIALS } from './local-dynamo.ts';

describe('AWS clients', () => {
  it('are built once per process and take region/endpoint from the options', async () => {
    setAwsClientOptions({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566', credentials: FAKE_CREDENTIALS });
    expect(dynamo()).toBe(dynamo());
    expect(sqs()).toBe(sqs());
    expect(await cloudwatch().config.region()).toBe('eu-west-1');
    const endpoint = await ssm().config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(endpoint?.port).toBe(4566);
  });

  it('new options replace the process-wide set, in every client module', async () => {
    setAwsClientOptions({ region: 'us-west-2', credentials: FAKE_CREDENTIALS });
    const first = dynamo();
    expect(dynamo()).toBe(first);
    expect(await secretsManager().config.region()).toBe('us-west-2');
    setAwsClientOptions({ region: 'ap-south-1', credentials: FAKE_CREDENTIALS });
    expect(dynamo()).not.toBe(first);
    expect(await dynamo().config.region()).toBe('ap-south-1');
    expect(await sqs().config.region()).toBe('ap-south-1');
  });
});
