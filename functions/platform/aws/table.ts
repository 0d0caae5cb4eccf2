import { CreateTableCommand, DescribeTableCommand, UpdateTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/**
 * The one table of the AWS runtime. Every item is addressed by a string hash key `pk` with a kind prefix:
 * `state#<name>` (+ `state#<name>#chunk#<writeId>#<n>`), `sent#<id>`, `claim#<id>`, `thread#<receiver>#<group>`.
 * No sort key and no index: every access is a get or a conditional put/delete by key.
 */
export const KEY_ATTRIBUTE = 'pk';
/** Epoch seconds; DynamoDB TTL deletes the item some time (up to ~48 h) after it passes, so readers check it too. */
export const TTL_ATTRIBUTE = 'expiresAt';

export const KEY_SCHEMA = [{ AttributeName: KEY_ATTRIBUTE, KeyType: 'HASH' }] as const;
export const ATTRIBUTE_DEFINITIONS = [{ AttributeName: KEY_ATTRIBUTE, AttributeType: 'S' }] as const;

/**
 * The table as a CloudFormation resource (`AWS::DynamoDB::Table`), for `serverless.yml` `resources:`.
 * On-demand billing (a probe per minute is far below any provisioned minimum), TTL on `expiresAt`,
 * point-in-time recovery, encryption at rest. No `TableName`: let CloudFormation name it and pass it to
 * the functions through an environment variable (`!Ref`).
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-dynamodb-table.html
 */
export const TABLE_RESOURCE = {
  Type: 'AWS::DynamoDB::Table',
  Properties: {
    BillingMode: 'PAY_PER_REQUEST',
    KeySchema: KEY_SCHEMA,
    AttributeDefinitions: ATTRIBUTE_DEFINITIONS,
    TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true },
    PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    SSESpecification: { SSEEnabled: true },
  },
} as const;

/** Epoch seconds `ttlMs` after `nowMs`, for {@link TTL_ATTRIBUTE}. */
export function expiresAtSeconds(nowMs: number, ttlMs: number): number {
  return Math.ceil((nowMs + ttlMs) / 1000);
}

/** Result of {@link createTable}. */
export interface CreateTableResult {
  /** False when the endpoint does not implement UpdateTimeToLive (dynalite); items then never expire. */
  ttlEnabled: boolean;
}

/**
 * Create the table (tests, local setups; production uses {@link TABLE_RESOURCE}) and wait until it is ACTIVE.
 * Point-in-time recovery is a deploy-time setting and is not enabled here.
 */
export async function createTable(client: DynamoDBClient, name: string, options: { timeoutMs?: number } = {}): Promise<CreateTableResult> {
  await client.send(
    new CreateTableCommand({
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [...KEY_SCHEMA],
      AttributeDefinitions: [...ATTRIBUTE_DEFINITIONS],
    }),
  );
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: name }));
    if (Table?.TableStatus === 'ACTIVE') break;
    if (Date.now() > deadline) throw new Error(`table ${name} not ACTIVE after ${options.timeoutMs ?? 30_000} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    await client.send(new UpdateTimeToLiveCommand({ TableName: name, TimeToLiveSpecification: { AttributeName: TTL_ATTRIBUTE, Enabled: true } }));
    return { ttlEnabled: true };
  } catch (err) {
    if (err instanceof Error && /UnknownOperation/.test(err.name)) return { ttlEnabled: false };
    throw err;
  }
}
