import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient } from '@aws-sdk/client-sqs';
import { SSMClient } from '@aws-sdk/client-ssm';

/** How the AWS clients are built. Everything optional: on Lambda the SDK's default chains (region, role) apply. */
export interface AwsClientOptions {
  /** Default: the SDK's chain (`AWS_REGION`, which Lambda always sets). */
  region?: string;
  /** Endpoint override for every client (dynalite, LocalStack, VPC endpoints); tests always set it. */
  endpoint?: string;
  /** Static credentials (tests pass fakes so no credential lookup happens); default: the SDK's chain. */
  credentials?: DynamoDBClientConfig['credentials'];
  /** SDK retry attempts per call; default the SDK's (3). */
  maxAttempts?: number;
}

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
  const config = {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  };
  return {
    dynamo: once(() => new DynamoDBClient(config)),
    cloudwatch: once(() => new CloudWatchClient(config)),
    sqs: once(() => new SQSClient(config)),
    secretsManager: once(() => new SecretsManagerClient(config)),
    ssm: once(() => new SSMClient(config)),
  };
}

let shared: AwsClients | undefined;
let sharedOptions: AwsClientOptions = {};

/**
 * Replace the process-wide clients (composition root at cold start, or a test pointing them at a local
 * endpoint). Clients already handed out keep their old configuration.
 */
export function configureAwsClients(options: AwsClientOptions = {}): AwsClients {
  shared = createAwsClients(options);
  sharedOptions = { ...options };
  return shared;
}

/**
 * The options the process-wide clients were configured with (`{}`: the SDK's defaults), in the shape clients
 * built elsewhere take — e.g. middy's `awsClientOptions`, so its Secrets Manager client points where ours do.
 */
export function awsClientOptions(): AwsClientOptions {
  return { ...sharedOptions };
}

const sharedClients = (): AwsClients => (shared ??= createAwsClients());

/** The process-wide DynamoDB client. */
export const dynamo = (): DynamoDBClient => sharedClients().dynamo();
/** The process-wide CloudWatch client. */
export const cloudwatch = (): CloudWatchClient => sharedClients().cloudwatch();
/** The process-wide SQS client. */
export const sqs = (): SQSClient => sharedClients().sqs();
/** The process-wide Secrets Manager client. */
export const secretsManager = (): SecretsManagerClient => sharedClients().secretsManager();
/** The process-wide SSM client. */
export const ssm = (): SSMClient => sharedClients().ssm();
