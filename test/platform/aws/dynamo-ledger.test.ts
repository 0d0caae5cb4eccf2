import { DynamoDBDocumentClient, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoLedger } from '../../../functions/platform/aws/dynamo-ledger.ts';
import type { DynamoLedgerOptions } from '../../../functions/platform/aws/dynamo-ledger.ts';
import { StateError } from '../../../functions/platform/errors.ts';
import { startLocalDynamo } from './local-dynamo.ts';
import type { LocalDynamo } from './local-dynamo.ts';

let local: LocalDynamo;
let doc: DynamoDBDocumentClient;
beforeAll(async () => {
  local = await startLocalDynamo();
  doc = DynamoDBDocumentClient.from(local.client);
});
afterAll(async () => {
  await local.close();
});

async function ledger(options: Partial<DynamoLedgerOptions> = {}): Promise<DynamoLedger> {
  return new DynamoLedger({ client: local.client, tableName: options.tableName ?? (await local.table()), ...options });
}

describe('DynamoLedger', () => {
  it('records ids with receipts and group threads', async () => {
    const l = await ledger();
    expect(await l.has('a')).toBe(false);
    await l.record('a', { ts: '1700.1' });
    await l.record('b');
    expect(await l.has('a')).toBe(true);
    expect(await l.receipt('a')).toEqual({ ts: '1700.1' });
    expect(await l.receipt('b')).toBeUndefined();
    await l.recordThread('slack', 'g1', { channel: 'C1', ts: '1700.1' });
    expect(await l.threadReceipt('slack', 'g1')).toEqual({ channel: 'C1', ts: '1700.1' });
    expect(await l.threadReceipt('teams', 'g1')).toBeUndefined();
  });

  it('thread keys cannot collide through # in receiver or group key', async () => {
    const l = await ledger();
    await l.recordThread('a#b', 'c', { ts: '1' });
    expect(await l.threadReceipt('a', 'b#c')).toBeUndefined();
    expect(await l.threadReceipt('a#b', 'c')).toEqual({ ts: '1' });
  });

  it('every item carries a TTL (epoch seconds) and entries past the TTL read as absent', async () => {
    let t = 1_700_000_000_000;
    const l = await ledger({ ttlMs: 60_000, now: () => t });
    await l.record('a', { ts: '1' });
    await l.recordThread('slack', 'g', { ts: '1' });
    await l.claim('b', 'run-1', t, 30_000);
    const { Items = [] } = await doc.send(new ScanCommand({ TableName: l.tableName }));
    expect(Object.fromEntries(Items.map((i) => [i.pk, i.expiresAt]))).toEqual({
      'sent#a': Math.ceil((t + 60_000) / 1000),
      'thread#slack#g': Math.ceil((t + 60_000) / 1000),
      'claim#b': Math.ceil((t + 30_000 + 3_600_000) / 1000),
    });
    t += 60_000; // DynamoDB TTL deletes lazily: the ledger checks the age itself
    expect(await l.has('a')).toBe(false);
    expect(await l.threadReceipt('slack', 'g')).toBeUndefined();
  });

  it('claim: one live owner at a time; released, expired or own claims can be taken', async () => {
    const l = await ledger();
    expect(await l.claim('x', 'run-1', 0, 1_000)).toEqual({ ok: true });
    expect(await l.claim('x', 'run-2', 500, 1_000)).toEqual({ ok: false, reason: 'held', owner: 'run-1' });
    expect(await l.claim('x', 'run-1', 600, 1_000)).toEqual({ ok: true });
    expect(await l.claim('x', 'run-2', 1_700, 1_000)).toEqual({ ok: true }); // run-1's lease ran out
    await l.release('x', 'run-1'); // not the holder: no-op
    expect((await l.claim('x', 'run-3', 1_800, 1_000)).ok).toBe(false);
    await l.release('x', 'run-2');
    expect((await l.claim('x', 'run-3', 1_800, 1_000)).ok).toBe(true);
  });

  it('claim of a delivered id says so, and record drops the claim', async () => {
    const l = await ledger();
    await l.claim('x', 'run-1', 0, 1_000);
    await l.record('x');
    expect(await l.claim('x', 'run-2', 10, 1_000)).toEqual({ ok: false, reason: 'delivered' });
    const { Items = [] } = await doc.send(new ScanCommand({ TableName: l.tableName }));
    expect(Items.map((i) => i.pk)).toEqual(['sent#x']);
  });

  it('concurrent claimers of one id (separate ledgers, one table): exactly one wins', async () => {
    const tableName = await local.table();
    const now = Date.now();
    for (let round = 0; round < 5; round++) {
      const claimers = Array.from({ length: 8 }, (_, i) => new DynamoLedger({ client: local.client, tableName }).claim(`job-${round}`, `owner-${i}`, now, 60_000));
      const results = await Promise.all(claimers);
      expect(results.filter((r) => r.ok)).toHaveLength(1);
      expect(results.filter((r) => !r.ok).every((r) => !r.ok && r.reason === 'held')).toBe(true);
    }
  });

  it('very long ids are hashed into a valid key', async () => {
    const l = await ledger();
    const id = 'x'.repeat(5_000);
    await l.record(id, { ts: '9' });
    expect(await l.receipt(id)).toEqual({ ts: '9' });
    expect(await l.has(`${id}y`)).toBe(false);
  });

  it('a corrupt item is a StateError naming the key; AWS errors name key and table', async () => {
    const l = await ledger();
    await doc.send(new PutCommand({ TableName: l.tableName, Item: { pk: 'sent#bad', at: 'yesterday' } }));
    const err = await l.has('bad').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toMatch(/^ledger item sent#bad in table .* is corrupt/);
    const missing = new DynamoLedger({ client: local.client, tableName: 'no-such-table' });
    await expect(missing.has('a')).rejects.toThrow('ledger: cannot read sent#a in table no-such-table (ResourceNotFoundException)');
  });
});
