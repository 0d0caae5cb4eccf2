import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import { jitteredBackoff } from '../backoff.ts';
import { StateError } from '../errors.ts';
import type { StateStore, StoredState } from '../state-store.ts';
import { StateConflictError, isConditionalCheckFailed } from './errors.ts';
import { mapLimit } from '../map-limit.ts';
import { decodeState, encodeState, splitChunks } from './state-codec.ts';
import { KEY_ATTRIBUTE, TTL_ATTRIBUTE, expiresAtSeconds } from './table.ts';

/** Options of {@link DynamoStateStore}. */
export interface DynamoStateStoreOptions<T> {
  client: DynamoDBClient;
  tableName: string;
  /** The head item's key, e.g. `state#probe`. */
  key: string;
  /** Validate/shape what was read (e.g. a zod schema's `parse`); a throw counts as a corrupt item. */
  parse?: (raw: unknown) => T;
  /** TTL of every item written, refreshed by each save; default 7 days. */
  ttlMs?: number;
  /** Clock for `savedAt` and TTLs; default `Date.now`. */
  now?: () => number;
  /** Largest compressed payload kept inline in the head item, and the chunk size; default 350 000 bytes. */
  maxItemBytes?: number;
  /** Reads restarted when the head moves under a chunked read; default 3. */
  readAttempts?: number;
}

/** What {@link DynamoStateStore.loadWithVersion} returns; version 0 (and no value) when nothing was saved. */
export type VersionedState<T> = StoredState<T> | { version: 0; savedAt: 0; value: undefined };

/** 400 KB per item (name and value bytes): https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html */
const DEFAULT_MAX_ITEM_BYTES = 350_000;
const DEFAULT_TTL_MS = 7 * 24 * 3_600_000;
const CONCURRENCY = 4;

const Head = z.object({
  pk: z.string(),
  version: z.number().int().positive(),
  savedAt: z.number(),
  encoding: z.literal('gzip+json'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().nonnegative(),
  data: z.instanceof(Uint8Array).optional(),
  chunks: z.number().int().positive().optional(),
  writeId: z.string().min(1).optional(),
});
type Head = z.infer<typeof Head>;
const Chunk = z.object({ data: z.instanceof(Uint8Array) });

/** Waits between the attempts of {@link DynamoStateStore.update} after a conflict. */
export interface ConflictBackoff {
  /** Ceiling of the first wait; doubles with each conflict. */
  baseMs: number;
  /** Cap of the ceiling. */
  maxMs: number;
  /** In [0, 1); default Math.random. */
  random?: () => number;
  /** Default: a timer. */
  sleep?: (ms: number) => Promise<void>;
}

/** The wait after the nth conflict ({@link jitteredBackoff}), whole ms. */
export function conflictBackoffMs(conflicts: number, b: Pick<ConflictBackoff, 'baseMs' | 'maxMs' | 'random'>): number {
  return Math.floor(jitteredBackoff(conflicts, b.baseMs, b.maxMs, b.random));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** A read that raced a writer: the head moved while its chunks were fetched. */
class HeadMoved extends Error {}

/**
 * `StateStore` on DynamoDB with optimistic locking, so two overlapping invocations never both commit a round.
 *
 * Layout: one head item `<key>` holding `version`, `savedAt`, `expiresAt` and the value as gzip-compressed JSON
 * (Binary). A payload over `maxItemBytes` goes to chunk items `<key>#chunk#<writeId>#<n>`, written *before* the
 * head; the head's conditional put (`attribute_not_exists(pk)` for version 0, else `attribute_not_exists(pk) OR
 * version = :expected`) is the atomic switch. Chunk keys carry a fresh `writeId`, so a losing or crashed writer
 * never touches the chunks the committed head points at; the winner deletes the previous generation's chunks,
 * a loser its own, and TTL sweeps whatever a crash left. Readers verify the chunk set against the head's sha256
 * and restart if the head moved under them.
 *
 * Why not TransactWriteItems: it caps a transaction at 100 items and 4 MB in total, which multi-MB history can
 * exceed, and dynalite (tests) does not implement it. The head-last protocol needs no transaction.
 */
export class DynamoStateStore<T> implements StateStore<T> {
  readonly key: string;
  readonly tableName: string;
  readonly #doc: DynamoDBDocumentClient;
  readonly #parse: (raw: unknown) => T;
  readonly #now: () => number;
  readonly #ttlMs: number;
  readonly #maxItemBytes: number;
  readonly #readAttempts: number;
  #version: number | undefined;

  constructor(options: DynamoStateStoreOptions<T>) {
    this.key = options.key;
    this.tableName = options.tableName;
    this.#doc = DynamoDBDocumentClient.from(options.client, { marshallOptions: { removeUndefinedValues: true } });
    this.#parse = options.parse ?? ((raw) => raw as T);
    this.#now = options.now ?? Date.now;
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
    this.#maxItemBytes = options.maxItemBytes ?? DEFAULT_MAX_ITEM_BYTES;
    this.#readAttempts = Math.max(1, options.readAttempts ?? 3);
  }

  async load(): Promise<T | undefined> {
    return (await this.loadWithVersion()).value;
  }

  /**
   * Save on top of the version last loaded or saved by this instance. Throws {@link StateConflictError} if
   * another writer committed since; the instance keeps its stale version, so saves fail until `load()`.
   */
  async save(value: T): Promise<void> {
    const expected = this.#version ?? (await this.#headVersion());
    await this.saveIfVersion(value, expected);
  }

  /** The stored value with its version (0 when nothing was saved). Strongly consistent. */
  async loadWithVersion(): Promise<VersionedState<T>> {
    for (let attempt = 1; ; attempt++) {
      try {
        const state = await this.#read(attempt === this.#readAttempts);
        this.#version = state.version;
        return state;
      } catch (err) {
        if (!(err instanceof HeadMoved) || attempt >= this.#readAttempts) throw err;
      }
    }
  }

  /**
   * Commit `value` as version `expectedVersion + 1` if the stored version is still `expectedVersion`
   * (0: no item yet); else throw {@link StateConflictError}. Returns what was stored.
   */
  async saveIfVersion(value: T, expectedVersion: number): Promise<StoredState<T>> {
    const savedAt = this.#now();
    const expiresAt = expiresAtSeconds(savedAt, this.#ttlMs);
    const version = expectedVersion + 1;
    const encoded = await encodeState(value);
    const inline = encoded.data.length <= this.#maxItemBytes;
    const writeId = inline ? undefined : randomUUID();
    const pieces = inline ? [] : splitChunks(encoded.data, this.#maxItemBytes);
    if (writeId !== undefined) {
      await this.#wrap('write chunks of', () =>
        mapLimit(pieces, CONCURRENCY, (data, n) =>
          this.#doc.send(new PutCommand({ TableName: this.tableName, Item: { [KEY_ATTRIBUTE]: this.#chunkKey(writeId, n), data, version, [TTL_ATTRIBUTE]: expiresAt } })),
        ),
      );
    }
    const head = {
      [KEY_ATTRIBUTE]: this.key,
      version,
      savedAt,
      [TTL_ATTRIBUTE]: expiresAt,
      encoding: 'gzip+json',
      sha256: encoded.sha256,
      bytes: encoded.bytes,
      ...(inline ? { data: encoded.data } : { chunks: pieces.length, writeId }),
    };
    let old: Record<string, unknown> | undefined;
    try {
      const out = await this.#doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: head,
          ConditionExpression: expectedVersion === 0 ? 'attribute_not_exists(#pk)' : 'attribute_not_exists(#pk) OR #version = :expected',
          ExpressionAttributeNames: expectedVersion === 0 ? { '#pk': KEY_ATTRIBUTE } : { '#pk': KEY_ATTRIBUTE, '#version': 'version' },
          ...(expectedVersion === 0 ? {} : { ExpressionAttributeValues: { ':expected': expectedVersion } }),
          ReturnValues: 'ALL_OLD',
        }),
      );
      old = out.Attributes;
    } catch (cause) {
      if (writeId !== undefined) await this.#deleteChunks(writeId, pieces.length);
      if (isConditionalCheckFailed(cause)) throw new StateConflictError(this.key, expectedVersion, { cause });
      throw this.#error('write', cause);
    }
    this.#version = version;
    const previous = Head.safeParse(old);
    if (previous.success && previous.data.writeId !== undefined && previous.data.chunks !== undefined) {
      await this.#deleteChunks(previous.data.writeId, previous.data.chunks);
    }
    return { version, savedAt, value };
  }

  /**
   * Optimistic-lock loop: load, apply `change`, save if nobody committed meanwhile; on a conflict reload
   * and re-apply, up to `attempts` times (then the last {@link StateConflictError} is thrown). With `backoff`, a
   * conflict waits {@link conflictBackoffMs} first, so writers that collided do not reload in lockstep.
   */
  async update(change: (current: T | undefined) => T, attempts = 3, backoff?: ConflictBackoff): Promise<StoredState<T>> {
    for (let attempt = 1; ; attempt++) {
      const current = await this.loadWithVersion();
      try {
        return await this.saveIfVersion(change(current.value), current.version);
      } catch (err) {
        if (!(err instanceof StateConflictError) || attempt >= attempts) throw err;
      }
      if (backoff) await (backoff.sleep ?? sleep)(conflictBackoffMs(attempt, backoff));
    }
  }

  #chunkKey(writeId: string, n: number): string {
    return `${this.key}#chunk#${writeId}#${n}`;
  }

  async #headVersion(): Promise<number> {
    const out = await this.#wrap('read', () =>
      this.#doc.send(new GetCommand({ TableName: this.tableName, Key: { [KEY_ATTRIBUTE]: this.key }, ConsistentRead: true, ProjectionExpression: 'version' })),
    );
    const parsed = z.object({ version: z.number().int().nonnegative() }).safeParse(out.Item);
    return parsed.success ? parsed.data.version : 0;
  }

  async #getHead(): Promise<Head | undefined> {
    const out = await this.#wrap('read', () =>
      this.#doc.send(new GetCommand({ TableName: this.tableName, Key: { [KEY_ATTRIBUTE]: this.key }, ConsistentRead: true })),
    );
    if (out.Item === undefined) return undefined;
    const head = Head.safeParse(out.Item);
    if (!head.success) throw this.#corrupt(head.error.issues.map((i) => `${i.path.join('.') || 'item'}: ${i.message}`).join('; '));
    const { data, chunks, writeId } = head.data;
    if ((data === undefined) === (chunks === undefined || writeId === undefined)) throw this.#corrupt('expected inline data or a chunk set');
    return head.data;
  }

  /** One read; `last` turns a moved head into a plain corruption error instead of a retry. */
  async #read(last: boolean): Promise<VersionedState<T>> {
    const head = await this.#getHead();
    if (head === undefined) return { version: 0, savedAt: 0, value: undefined };
    let payload: Uint8Array;
    if (head.data !== undefined) {
      payload = head.data;
    } else {
      const { chunks = 0, writeId = '' } = head;
      const parts = await this.#wrap('read chunks of', () =>
        mapLimit(Array.from({ length: chunks }, (_, n) => n), CONCURRENCY * 2, async (n) => {
          const out = await this.#doc.send(new GetCommand({ TableName: this.tableName, Key: { [KEY_ATTRIBUTE]: this.#chunkKey(writeId, n) }, ConsistentRead: true }));
          const chunk = Chunk.safeParse(out.Item);
          return chunk.success ? chunk.data.data : n;
        }),
      );
      const missing = parts.filter((p): p is number => typeof p === 'number');
      if (missing.length > 0) {
        await this.#raceCheck(head, last);
        throw this.#corrupt(`chunk set ${writeId} incomplete: ${missing.length} of ${chunks} missing (first #${missing[0]})`);
      }
      payload = Buffer.concat(parts as Uint8Array[]);
    }
    let raw: unknown;
    try {
      raw = await decodeState(payload, head);
    } catch (cause) {
      if (head.data === undefined) await this.#raceCheck(head, last);
      throw this.#corrupt(cause instanceof Error ? cause.message : 'undecodable payload', cause);
    }
    let value: T;
    try {
      value = this.#parse(raw);
    } catch (cause) {
      throw this.#corrupt(`value rejected: ${cause instanceof Error ? cause.message.slice(0, 200) : 'invalid'}`, cause);
    }
    return { version: head.version, savedAt: head.savedAt, value };
  }

  /** Throws {@link HeadMoved} if a writer replaced `head` since it was read (its old chunks may be gone). */
  async #raceCheck(head: Head, last: boolean): Promise<void> {
    if (!last && (await this.#headVersion()) !== head.version) throw new HeadMoved();
  }

  /** Best effort: a failed delete leaves garbage that TTL removes. */
  async #deleteChunks(writeId: string, count: number): Promise<void> {
    await mapLimit(Array.from({ length: count }, (_, n) => n), CONCURRENCY, (n) =>
      this.#doc.send(new DeleteCommand({ TableName: this.tableName, Key: { [KEY_ATTRIBUTE]: this.#chunkKey(writeId, n) } })).catch(() => undefined),
    );
  }

  async #wrap<R>(what: string, fn: () => Promise<R>): Promise<R> {
    try {
      return await fn();
    } catch (cause) {
      throw this.#error(what, cause);
    }
  }

  #error(what: string, cause: unknown): StateError {
    const name = cause instanceof Error ? cause.name : 'error';
    return new StateError(`cannot ${what} state ${this.key} in table ${this.tableName} (${name})`, this.key, { cause });
  }

  #corrupt(why: string, cause?: unknown): StateError {
    return new StateError(`state ${this.key} in table ${this.tableName} is corrupt: ${why}`, this.key, { cause });
  }
}
