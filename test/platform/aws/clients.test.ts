import { describe, expect, it } from 'vitest';
import { configureAwsClients, createAwsClients, dynamo, secretsManager } from '../../../functions/platform/aws/clients.ts';
import { FAKE_CREDENTIALS } from './local-dynamo.ts';

describe('AWS clients', () => {
  it('are built once per set and take region/endpoint from options', async () => {
    const clients = createAwsClients({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:4566', credentials: FAKE_CREDENTIALS });
    expect(clients.dynamo()).toBe(clients.dynamo());
    expect(clients.sqs()).toBe(clients.sqs());
    expect(await clients.cloudwatch().config.region()).toBe('eu-west-1');
    const endpoint = await clients.ssm().config.endpoint?.();
    expect(endpoint?.hostname).toBe('127.0.0.1');
    expect(endpoint?.port).toBe(4566);
  });

  it('configureAwsClients replaces the process-wide set', async () => {
    configureAwsClients({ region: 'us-west-2', credentials: FAKE_CREDENTIALS });
    const first = dynamo();
    expect(dynamo()).toBe(first);
    expect(await secretsManager().config.region()).toBe('us-west-2');
    configureAwsClients({ region: 'ap-south-1', credentials: FAKE_CREDENTIALS });
    expect(dynamo()).not.toBe(first);
    expect(await dynamo().config.region()).toBe('ap-south-1');
  });
});
