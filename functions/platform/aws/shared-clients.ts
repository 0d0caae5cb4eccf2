import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
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

/** The SDK client config for a set of options (only the options that are set). */
function clientConfig(options: AwsClientOptions) {
  return {
    ...(options.region === undefined ? {} : { region: options.region }),
    ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
    ...(options.credentials === undefined ? {} : { credentials: options.credentials }),
    ...(options.maxAttempts === undefined ? {} : { maxAttempts: options.maxAttempts }),
  };
}

/*
 * The process-wide clients. Each accessor builds its own client on first use from the shared options, and only
 * the accessors a Lambda entry reaches end up in its bundle (esbuild drops the other SDK clients): the webhook
 * does not carry CloudWatch, the probe does not carry SNS. The SQS and Secrets Manager accessors live in their own
 * modules (sqs-client.ts, secrets-manager-client.ts): esbuild places an SDK client in the bundle's entry chunk as
 * soon as any module that entry imports statically references it, even from code the entry never calls, and the
 * probe loads those two clients with import() only when a round needs them. clients.ts gathers all of them.
 */
let sharedOptions: AwsClientOptions = {};
let shared = new Map<string, unknown>();

/** The process-wide client under `key`, built with `make` on first use (per {@link setAwsClientOptions}). */
export function sharedClient<T>(key: string, make: (config: ReturnType<typeof clientConfig>) => T): T {
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
 * The options the process-wide clients were configured with (`{}`: the SDK's defaults), in the shape clients
 * built elsewhere take — e.g. middy's `awsClientOptions`, so its Secrets Manager client points where ours do.
 */
export function awsClientOptions(): AwsClientOptions {
  return { ...sharedOptions };
}
