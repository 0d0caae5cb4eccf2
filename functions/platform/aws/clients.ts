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

/** The SDK client config for a set of options (only the options that are set). */
function clientConfig(options: AwsClientOptions) {
  return {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  };
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

/*
 * The process-wide clients. Each accessor below builds its own client on first use from the shared options, and
 * only the accessors a Lambda entry reaches end up in its bundle (esbuild drops the other SDK clients): the
 * webhook does not carry CloudWatch, the probe does not carry SNS. `configureAwsClients` starts a new generation.
 */
let sharedOptions: AwsClientOptions = {};
let shared = new Map<string, unknown>();

function sharedClient<T>(key: string, make: (config: ReturnType<typeof clientConfig>) => T): T {
  let client = shared.get(key) as T | undefined;
  if (client === undefined) {
    client = make(clientConfig(sharedOptions));
    shared.set(key, client);
  }
  return client;
}

/** The process-wide DynamoDB client. */
export const dynamo = (): DynamoDBClient => sharedClient('dynamo', (c) => new DynamoDBClient(c));
/** The process-wide CloudWatch client. */
export const cloudwatch = (): CloudWatchClient => sharedClient('cloudwatch', (c) => new CloudWatchClient(c));
/** The process-wide SQS client. */
export const sqs = (): SQSClient => sharedClient('sqs', (c) => new SQSClient(c));
/** The process-wide Secrets Manager client. */
export const secretsManager = (): SecretsManagerClient => sharedClient('secretsManager', (c) => new SecretsManagerClient(c));
/** The process-wide SSM client. */
export const ssm = (): SSMClient => sharedClient('ssm', (c) => new SSMClient(c));

/**
 * Replace the options of the process-wide clients (composition root at cold start, or a test pointing them at a
 * local endpoint) without building any client. Clients already handed out keep their old configuration.
 */
export function setAwsClientOptions(options: AwsClientOptions = {}): void {
  sharedOptions = { ...options };
  shared = new Map();
}

/**
 * Replace the process-wide clients (see {@link setAwsClientOptions}) and return them as a set, for callers that
 * want every client. The Lambda entries use {@link setAwsClientOptions} and the accessors they need.
 */
export function configureAwsClients(options: AwsClientOptions = {}): AwsClients {
  setAwsClientOptions(options);
  return { dynamo, cloudwatch, sqs, secretsManager, ssm };
}

/**
 * The options the process-wide clients were configured with (`{}`: the SDK's defaults), in the shape clients
 * built elsewhere take — e.g. middy's `awsClientOptions`, so its Secrets Manager client points where ours do.
 */
export function awsClientOptions(): AwsClientOptions {
  return { ...sharedOptions };
}
