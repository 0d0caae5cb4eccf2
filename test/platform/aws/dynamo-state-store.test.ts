import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod';
import { StateConflictError } from '../../../functions/platform/aws/errors.ts';
import { DynamoStateStore, conflictBackoffMs } from '../../../functions/platform/aws/dynamo-state-store.ts';
import type { DynamoStateStoreOptions } from '../../../functions/platform/aws/dynamo-state-store.ts';
import { StateError } from '../../../functions/platform/errors.ts';
import { FAKE_CREDENTIALS, startLocalDynamo } from './local-dynamo.ts';
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

type Probe = { watch: Record<string, number[]>; grouper: { n: number } };

async function store(overrides: Partial<DynamoStateStoreOptions<Probe>> = {}): Promise<DynamoStateStore<Probe>> {
  const tableName = overrides.tableName ?? (await local.table());
  return new DynamoStateStore<Probe>({ client: local.client, tableName, key: 'state#probe', ...overrides });
}

/** Every item of a table (Scan pages at 1 MB, and chunk items are ~350 KB each). */
async function items(tableName: string): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await doc.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey: start }));
    out.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return out;
}

describe('DynamoStateStore', () => {
  it('round-trips, versions each save and refreshes the TTL attribute', async () => {
    let t = 1_700_000_000_000;
    const s = await store({ now: () => t, ttlMs: 3_600_000 });
    expect(await s.load()).toBeUndefined();
    expect(await s.loadWithVersion()).toEqual({ version: 0, savedAt: 0, value: undefined });
    await s.save({ watch: { pod: [1, 2] }, grouper: { n: 1 } });
    t += 60_000;
    await s.save({ watch: { pod: [1, 2, 3] }, grouper: { n: 2 } });
    expect(await s.loadWithVersion()).toEqual({ version: 2, savedAt: t, value: { watch: { pod: [1, 2, 3] }, grouper: { n: 2 } } });
    const { Item } = await doc.send(new GetCommand({ TableName: s.tableName, Key: { pk: 'state#probe' } }));
    expect(Item).toMatchObject({ version: 2, expiresAt: Math.ceil((t + 3_600_000) / 1000), encoding: 'gzip+json' });
    expect(Item?.data).toBeInstanceOf(Uint8Array);
  });

  it('default TTL is 7 days', async () => {
    const s = await store({ now: () => 1_000_000 });
    await s.save({ watch: {}, grouper: { n: 0 } });
    const { Item } = await doc.send(new GetCommand({ TableName: s.tableName, Key: { pk: 'state#probe' } }));
    expect(Item?.expiresAt).toBe(1_000 + 7 * 86_400);
  });

  it('two writers on the same version: exactly one commits, the other gets StateConflictError', async () => {
    const a = await store();
    const b = await store({ tableName: a.tableName });
    await a.save({ watch: {}, grouper: { n: 0 } });
    const [va, vb] = await Promise.all([a.loadWithVersion(), b.loadWithVersion()]);
    const results = await Promise.allSettled([
      a.saveIfVersion({ watch: {}, grouper: { n: 1 } }, va.version),
      b.saveIfVersion({ watch: {}, grouper: { n: 2 } }, vb.version),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const lost = results.find((r) => r.status === 'rejected');
    expect(lost?.reason).toBeInstanceOf(StateConflictError);
    expect((lost?.reason as StateConflictError).expectedVersion).toBe(1);
    expect((await a.loadWithVersion()).version).toBe(2);
  });

  it('save() after another writer committed throws until the loser reloads', async () => {
    const a = await store();
    const b = await store({ tableName: a.tableName });
    await a.load();
    await b.load();
    await a.save({ watch: {}, grouper: { n: 1 } });
    await expect(b.save({ watch: {}, grouper: { n: 2 } })).rejects.toBeInstanceOf(StateConflictError);
    await expect(b.save({ watch: {}, grouper: { n: 2 } })).rejects.toBeInstanceOf(StateConflictError);
    expect(await b.load()).toEqual({ watch: {}, grouper: { n: 1 } });
    await b.save({ watch: {}, grouper: { n: 2 } });
    expect((await a.loadWithVersion()).version).toBe(2);
  });

  it('first writers on an empty key race on attribute_not_exists', async () => {
    const a = await store();
    const results = await Promise.allSettled([0, 1, 2].map((n) => a.saveIfVersion({ watch: {}, grouper: { n } }, 0)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
  });

  it('update() reloads and re-applies on conflict', async () => {
    const a = await store();
    const b = await store({ tableName: a.tableName });
    await a.save({ watch: {}, grouper: { n: 0 } });
    await Promise.all(
      Array.from({ length: 5 }, (_, i) => (i % 2 ? a : b).update((cur) => ({ watch: {}, grouper: { n: (cur?.grouper.n ?? 0) + 1 } }), 20)),
    );
    expect(await a.loadWithVersion()).toMatchObject({ version: 6, value: { grouper: { n: 5 } } });
  });

  it('large state (> 3 MB of JSON, incompressible) is chunked and round-trips; old chunks are deleted', async () => {
    const s = await store();
    const big = (): Probe => ({ watch: Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`pod-${i}`, [...randomBytes(2_000)]])), grouper: { n: 1 } });
    const first = big();
    expect(JSON.stringify(first).length).toBeGreaterThan(3_000_000);
    await s.save(first);
    expect(await new DynamoStateStore<Probe>({ client: local.client, tableName: s.tableName, key: 'state#probe' }).load()).toEqual(first);
    const head = (await doc.send(new GetCommand({ TableName: s.tableName, Key: { pk: 'state#probe' } }))).Item;
    expect(head?.data).toBeUndefined();
    expect(head?.chunks).toBeGreaterThan(1);
    const chunkKeys = (await items(s.tableName)).map((i) => String(i.pk)).filter((k) => k.includes('#chunk#'));
    expect(chunkKeys).toHaveLength(head?.chunks as number);
    expect(chunkKeys.every((k) => k.startsWith(`state#probe#chunk#${String(head?.writeId)}#`))).toBe(true);

    const second = big();
    await s.save(second);
    expect(await s.load()).toEqual(second);
    const after = (await items(s.tableName)).filter((i) => String(i.pk).includes('#chunk#'));
    expect(after.every((i) => !String(i.pk).includes(String(head?.writeId)))).toBe(true);
    expect(after.every((i) => typeof i.expiresAt === 'number')).toBe(true);
  });

  it('a losing chunked writer removes its chunks and leaves the committed set intact', async () => {
    const a = await store({ maxItemBytes: 1_000 });
    const value = { watch: { pod: [...randomBytes(5_000)] }, grouper: { n: 1 } };
    await a.saveIfVersion(value, 0);
    await expect(a.saveIfVersion({ watch: { pod: [...randomBytes(5_000)] }, grouper: { n: 2 } }, 0)).rejects.toBeInstanceOf(StateConflictError);
    expect(await a.load()).toEqual(value);
    const head = (await doc.send(new GetCommand({ TableName: a.tableName, Key: { pk: 'state#probe' } }))).Item;
    expect((await items(a.tableName)).filter((i) => String(i.pk).includes('#chunk#'))).toHaveLength(head?.chunks as number);
  });

  it('a reader whose chunk set is replaced mid-read restarts on the new head', async () => {
    const writer = await store({ maxItemBytes: 1_000 });
    const v1 = { watch: { pod: [...randomBytes(5_000)] }, grouper: { n: 1 } };
    const v2 = { watch: { pod: [...randomBytes(5_000)] }, grouper: { n: 2 } };
    await writer.save(v1);
    const readerClient = new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
    let raced = false;
    readerClient.middlewareStack.add(
      (next) => async (args) => {
        const pk = (args.input as { Key?: { pk?: string | { S?: string } } }).Key?.pk;
        const key = (typeof pk === 'string' ? pk : pk?.S) ?? '';
        if (!raced && key.includes('#chunk#')) {
          raced = true;
          await writer.save(v2); // commits v2 and deletes v1's chunks under the reader
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const reader = new DynamoStateStore<Probe>({ client: readerClient, tableName: writer.tableName, key: 'state#probe' });
    expect(await reader.loadWithVersion()).toMatchObject({ version: 2, value: v2 });
    expect(raced).toBe(true);
    readerClient.destroy();
  });

  it('a missing chunk is a StateError naming the key', async () => {
    const s = await store({ maxItemBytes: 1_000 });
    await s.save({ watch: { pod: [...randomBytes(5_000)] }, grouper: { n: 1 } });
    const head = (await doc.send(new GetCommand({ TableName: s.tableName, Key: { pk: 'state#probe' } }))).Item;
    await doc.send(new PutCommand({ TableName: s.tableName, Item: { pk: `state#probe#chunk#${String(head?.writeId)}#1`, data: new Uint8Array([1, 2, 3]) } }));
    const err = await s.load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as StateError).path).toBe('state#probe');
    expect((err as Error).message).toMatch(/state state#probe in table .* is corrupt: payload digest/);
  });

  it('a corrupt head item is a clear StateError naming the key', async () => {
    const s = await store();
    await doc.send(new PutCommand({ TableName: s.tableName, Item: { pk: 'state#probe', version: 'seven', data: 'not binary' } }));
    const err = await s.load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toMatch(/^state state#probe in table pooler-watch-test-\d+ is corrupt: version: /);
  });

  it('a value the parse option rejects is a corrupt-state error', async () => {
    const tableName = await local.table();
    await new DynamoStateStore<unknown>({ client: local.client, tableName, key: 'state#x' }).save({ nope: 1 });
    const strict = new DynamoStateStore({ client: local.client, tableName, key: 'state#x', parse: (raw) => z.object({ ok: z.number() }).parse(raw) });
    await expect(strict.load()).rejects.toThrow(/state state#x in table .* is corrupt: value rejected/);
  });

  it('AWS errors become StateErrors naming key and table', async () => {
    const s = new DynamoStateStore({ client: local.client, tableName: 'no-such-table', key: 'state#probe' });
    await expect(s.load()).rejects.toThrow('cannot read state state#probe in table no-such-table (ResourceNotFoundException)');
  });
});

describe('DynamoStateStore.update with a conflict backoff', () => {
  /** A store whose head puts are each preceded, `conflicts` times, by a commit of another writer: deterministic conflicts. */
  async function contended(conflicts: number) {
    const other = await store();
    await other.save({ watch: {}, grouper: { n: 0 } });
    const client = new DynamoDBClient({ endpoint: local.endpoint, region: 'us-east-1', credentials: FAKE_CREDENTIALS, maxAttempts: 1 });
    let left = conflicts;
    client.middlewareStack.add(
      (next) => async (args) => {
        const input = args.input as { ConditionExpression?: string };
        if (input.ConditionExpression !== undefined && left > 0) {
          left -= 1;
          await other.update((cur) => ({ watch: {}, grouper: { n: (cur?.grouper.n ?? 0) + 100 } }));
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    const s = new DynamoStateStore<Probe>({ client, tableName: other.tableName, key: 'state#probe' });
    return { s, close: () => client.destroy() };
  }

  it('waits a jittered, doubling, capped delay after each conflict, then reloads and re-applies', async () => {
    const { s, close } = await contended(4);
    const waits: number[] = [];
    const stored = await s.update((cur) => ({ watch: {}, grouper: { n: (cur?.grouper.n ?? 0) + 1 } }), 6, {
      baseMs: 50,
      maxMs: 150,
      random: () => 0.5,
      sleep: async (ms) => void waits.push(ms),
    });
    expect(waits).toEqual([25, 50, 75, 75]); // 0.5 x min(150, 50 x 2^(n-1))
    expect(stored).toMatchObject({ version: 6, value: { grouper: { n: 401 } } }); // applied on top of the 4 commits
    close();
  });

  it('gives up with the StateConflictError after the last attempt, without a wait after it', async () => {
    const { s, close } = await contended(10);
    const waits: number[] = [];
    const err = await s.update((cur) => cur ?? { watch: {}, grouper: { n: 0 } }, 3, { baseMs: 10, maxMs: 100, random: () => 0, sleep: async (ms) => void waits.push(ms) }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateConflictError);
    expect(waits).toEqual([0, 0]);
    close();
  });

  it('full jitter: every wait is within [0, ceiling), and the ceiling doubles up to the cap', () => {
    const b = { baseMs: 50, maxMs: 1_000 };
    for (const r of [0, 0.25, 0.999_999]) {
      for (let n = 1; n <= 8; n++) {
        const ceiling = Math.min(1_000, 50 * 2 ** (n - 1));
        const ms = conflictBackoffMs(n, { ...b, random: () => r });
        expect(ms).toBeGreaterThanOrEqual(0);
        expect(ms).toBeLessThan(ceiling);
      }
    }
    expect([1, 2, 3, 4, 5, 6].map((n) => conflictBackoffMs(n, { ...b, random: () => 0.999_999 }))).toEqual([49, 99, 199, 399, 799, 999]);
  });
});
