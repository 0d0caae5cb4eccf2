import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';
import { secretsManager } from './secrets-manager-client.ts';
import { clientConfig, cloudwatch, dynamo, setAwsClientOptions, ssm, type AwsClientOptions } from './shared-clients.ts';
import { sqs } from './sqs-client.ts';

/*
 * Every AWS client in one place, for the functions that use them all at each invocation (webhook, dispatch,
 * sampler-logs) and for tests. The probe imports shared-clients.ts and loads sqs-client.ts and
 * secrets-manager-client.ts on demand, so it never imports this module.
 */

export type { AwsClientOptions } from './shared-clients.ts';
export { awsClientOptions, cloudwatch, dynamo, setAwsClientOptions, ssm } from './shared-clients.ts';
export { secretsManager } from './secrets-manager-client.ts';
export { sqs } from './sqs-client.ts';

/** Memoised client factories: each client is built on first use and reused (one per cold start). */
export interface AwsClients {
  dynamo(): DynamoDBClient;
  cloudwatch(): CloudWatchClient;
  sqs(): SQSClient;
  secretsManager(): SecretsManagerClient;
  ssm(): SSMClient;
}

function once<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

/** A set of memoised clients sharing one configuration. */
export function createAwsClients(options: AwsClientOptions = {}): AwsClients {
  const config = clientConfig(options);
  return {
    dynamo: once(() => new DynamoDBClient(config)),
    cloudwatch: once(() => new CloudWatchClient(config)),
    sqs: once(() => new SQSClient(config)),
    secretsManager: once(() => new SecretsManagerClient(config)),
    ssm: once(() => new SSMClient(config)),
  };
}

/**
 * Replace the process-wide clients (see {@link setAwsClientOptions}) and return them as a set, for callers that
 * want every client. The Lambda entries use {@link setAwsClientOptions} and the accessors they need.
 */
export function configureAwsClients(options: AwsClientOptions = {}): AwsClients {
  setAwsClientOptions(options);
  return { dynamo, cloudwatch, sqs, secretsManager, ssm };
}
