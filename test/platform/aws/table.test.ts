import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TABLE_RESOURCE, createTable, expiresAtSeconds } from '../../../functions/platform/aws/table.ts';
import { startLocalDynamo } from './local-dynamo.ts';
import type { LocalDynamo } from './local-dynamo.ts';

let local: LocalDynamo;
beforeAll(async () => {
  local = await startLocalDynamo();
});
afterAll(async () => {
  await local.close();
});

describe('table', () => {
  it('createTable makes an ACTIVE on-demand table keyed by pk (S)', async () => {
    const result = await createTable(local.client, 'pw-table-shape');
    expect(result).toEqual({ ttlEnabled: false }); // dynalite has no UpdateTimeToLive
    const { Table } = await local.client.send(new DescribeTableCommand({ TableName: 'pw-table-shape' }));
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }]);
    expect(Table?.AttributeDefinitions).toEqual([{ AttributeName: 'pk', AttributeType: 'S' }]);
  });

  it('TABLE_RESOURCE is a CloudFormation table with TTL, PITR and on-demand billing', () => {
    expect(TABLE_RESOURCE.Type).toBe('AWS::DynamoDB::Table');
    expect(TABLE_RESOURCE.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
    expect(JSON.parse(JSON.stringify(TABLE_RESOURCE))).toEqual(TABLE_RESOURCE);
  });

  it('expiresAtSeconds is epoch seconds, rounded up', () => {
    expect(expiresAtSeconds(1_000, 1_500)).toBe(3);
    expect(expiresAtSeconds(0, 7 * 86_400_000)).toBe(7 * 86_400);
  });
});
