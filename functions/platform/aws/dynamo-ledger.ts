import { createHash } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { SendReceipt } from '../../channels/channel.ts';
import type { ClaimResult, Ledger, LedgerBounds } from '../delivery/ledger.ts';
import { StateError } from '../errors.ts';
import { isConditionalCheckFailed } from './errors.ts';
import { KEY_ATTRIBUTE, TTL_ATTRIBUTE, expiresAtSeconds } from './table.ts';

/** Options of {@link DynamoLedger}. `maxEntries` of {@link LedgerBounds} does not apply: TTL bounds the table. */
export interface DynamoLedgerOptions extends Omit<LedgerBounds, 'maxEntries'> {
  client: DynamoDBClient;
  tableName: string;
  /** Claims stay in the table this long past their lease (for post-mortems) before TTL removes them; default 1 h. */
  claimRetentionMs?: number;
}

const Entry = z.object({ at: z.number(), receipt: z.record(z.string(), z.string()).optional() });
const Claim = z.object({ owner: z.string(), leaseUntil: z.number() });

/** Partition keys are at most 2 048 bytes; longer ids are replaced by their sha256. */
const MAX_KEY_BYTES = 1_024;

function itemKey(prefix: string, ...parts: string[]): string {
  // Each part URI-encoded so `#` inside a receiver or group key cannot make two keys collide.
  const key = `${prefix}#${parts.map(encodeURIComponent).join('#')}`;
  return Buffer.byteLength(key) <= MAX_KEY_BYTES ? key : `${prefix}#sha256:${createHash('sha256').update(key).digest('hex')}`;
}

/**
 * The delivery ledger on DynamoDB, one item per fact, every item with a TTL (`expiresAt`):
 * - `sent#<id>` `{at, receipt?}`: delivered (put by `record`; `has`/`receipt` get it);
 * - `claim#<id>` `{owner, leaseUntil}`: in flight, a conditional put
 *   (`attribute_not_exists(pk) OR leaseUntil <= :now OR owner = :owner`), so of two concurrent claimers
 *   exactly one wins; `release` is a delete conditional on the owner;
 * - `thread#<receiver>#<groupKey>` `{at, receipt}`: the message a group's later messages thread under.
 * Reads are strongly consistent; entries older than `ttlMs` count as absent even before TTL deletes them.
 */
export class DynamoLedger implements Ledger {
  readonly tableName: string;
  readonly #doc: DynamoDBDocumentClient;
  readonly #ttlMs: number;
  readonly #claimRetentionMs: number;
  readonly #now: () => number;

  constructor(options: DynamoLedgerOptions) {
    this.tableName = options.tableName;
    this.#doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.#ttlMs = options.ttlMs ?? 7 * 24 * 3_600_000;
    this.#claimRetentionMs = options.claimRetentionMs ?? 3_600_000;
    this.#now = options.now ?? Date.now;
  }

  async has(id: string): Promise<boolean> {
    return (await this.#entry(itemKey('sent', id))) !== undefined;
  }

  async record(id: string, receipt?: SendReceipt): Promise<void> {
    await this.#put(itemKey('sent', id), receipt);
    const claim = itemKey('claim', id);
    await this.#send('drop claim', () => this.#doc.send(new DeleteCommand({ TableName: this.tableName, Key: { [KEY_ATTRIBUTE]: claim } })), claim);
  }

  async receipt(id: string): Promise<SendReceipt | undefined> {
    const receipt = (await this.#entry(itemKey('sent', id)))?.receipt;
    return receipt ? { ...receipt } : undefined;
  }

  async threadReceipt(receiver: string, groupKey: string): Promise<SendReceipt | undefined> {
    const receipt = (await this.#entry(itemKey('thread', receiver, groupKey)))?.receipt;
    return receipt ? { ...receipt } : undefined;
  }

  async recordThread(receiver: string, groupKey: string, receipt: SendReceipt): Promise<void> {
    await this.#put(itemKey('thread', receiver, groupKey), receipt);
  }

  async claim(id: string, owner: string, now: number, leaseMs: number): Promise<ClaimResult> {
    if (await this.has(id)) return { ok: false, reason: 'delivered' };
    const key = itemKey('claim', id);
    const leaseUntil = now + leaseMs;
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { [KEY_ATTRIBUTE]: key, owner, leaseUntil, [TTL_ATTRIBUTE]: expiresAtSeconds(leaseUntil, this.#claimRetentionMs) },
          ConditionExpression: 'attribute_not_exists(#pk) OR #leaseUntil <= :now OR #owner = :owner',
          ExpressionAttributeNames: { '#pk': KEY_ATTRIBUTE, '#leaseUntil': 'leaseUntil', '#owner': 'owner' },
          ExpressionAttributeValues: { ':now': now, ':owner': owner },
        }),
      );
    } catch (cause) {
      if (!isConditionalCheckFailed(cause)) throw this.#error('claim', key, cause);
      const held = await this.#get(key);
      const holder = Claim.safeParse(held);
      return { ok: false, reason: 'held', ...(holder.success ? { owner: holder.data.owner } : {}) };
    }
    // A `record` may have landed between the check above and the put: then this claim is moot.
    if (await this.has(id)) {
      await this.release(id, owner);
      return { ok: false, reason: 'delivered' };
    }
    return { ok: true };
  }

  async release(id: string, owner: string): Promise<void> {
    const key = itemKey('claim', id);
    try {
      await this.#doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { [KEY_ATTRIBUTE]: key },
          ConditionExpression: '#owner = :owner',
          ExpressionAttributeNames: { '#owner': 'owner' },
          ExpressionAttributeValues: { ':owner': owner },
        }),
      );
    } catch (cause) {
      if (!isConditionalCheckFailed(cause)) throw this.#error('release', key, cause);
    }
  }

  async #put(key: string, receipt: SendReceipt | undefined): Promise<void> {
    const at = this.#now();
    const item = { [KEY_ATTRIBUTE]: key, at, [TTL_ATTRIBUTE]: expiresAtSeconds(at, this.#ttlMs), ...(receipt ? { receipt: { ...receipt } } : {}) };
    await this.#send('write', () => this.#doc.send(new PutCommand({ TableName: this.tableName, Item: item })), key);
  }

  /** A live `{at, receipt}` entry, or undefined (absent, or older than the TTL and not yet swept). */
  async #entry(key: string): Promise<z.infer<typeof Entry> | undefined> {
    const item = await this.#get(key);
    if (item === undefined) return undefined;
    const entry = Entry.safeParse(item);
    if (!entry.success) throw new StateError(`ledger item ${key} in table ${this.tableName} is corrupt: ${entry.error.issues[0]?.message ?? 'invalid'}`, key);
    return this.#now() - entry.data.at < this.#ttlMs ? entry.data : undefined;
  }

  async #get(key: string): Promise<Record<string, unknown> | undefined> {
    const out = await this.#send('read', () => this.#doc.send(new GetCommand({ TableName: this.tableName, Key: { [KEY_ATTRIBUTE]: key }, ConsistentRead: true })), key);
    return out.Item;
  }

  async #send<R>(what: string, fn: () => Promise<R>, key = ''): Promise<R> {
    try {
      return await fn();
    } catch (cause) {
      throw this.#error(what, key, cause);
    }
  }

  #error(what: string, key: string, cause: unknown): StateError {
    const name = cause instanceof Error ? cause.name : 'error';
    return new StateError(`ledger: cannot ${what} ${key} in table ${this.tableName} (${name})`, key, { cause });
  }
}
