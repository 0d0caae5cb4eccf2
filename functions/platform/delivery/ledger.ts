import * as z from 'zod';
import type { SendReceipt } from '../../channels/channel.ts';

/** Result of {@link Ledger.claim}: `delivered` means the id is already in the ledger (nothing to send). */
export type ClaimResult = { ok: true } | { ok: false; reason: 'held' | 'delivered'; owner?: string };

/**
 * Idempotency ledger, keyed by job id (which encodes alert fingerprints, transition and receiver).
 * A small port so a DynamoDB adapter can follow: `claim` maps to a conditional put
 * (`attribute_not_exists(id) OR expiresAt < :now`), `record` to a put with a TTL attribute.
 */
export interface Ledger {
  /** Whether `id` was delivered (and has not expired). */
  has(id: string): Promise<boolean>;
  /** Marks `id` delivered (dropping its claim), keeping the channel's receipt if any. */
  record(id: string, receipt?: SendReceipt): Promise<void>;
  receipt(id: string): Promise<SendReceipt | undefined>;
  /** Receipt of the message a group's later messages thread under (Slack `ts`), per receiver + groupKey. */
  threadReceipt(receiver: string, groupKey: string): Promise<SendReceipt | undefined>;
  recordThread(receiver: string, groupKey: string, receipt: SendReceipt): Promise<void>;
  /**
   * In-flight marker: succeeds unless `id` is delivered or held by another owner whose lease has not
   * expired (so two overlapping runs never send the same id twice). Re-claiming one's own id renews it.
   */
  claim(id: string, owner: string, now: number, leaseMs: number): Promise<ClaimResult>;
  /** Drops `owner`'s claim on `id` (a no-op if someone else holds it). */
  release(id: string, owner: string): Promise<void>;
}

/** Bounds of a ledger: entries older than `ttlMs` are forgotten, and at most `maxEntries` of each kind kept. */
export interface LedgerBounds {
  /** Default 7 days: longer than any realistic redelivery of the same transition. */
  ttlMs?: number;
  /** Default 10 000 (oldest dropped first). */
  maxEntries?: number;
  now?: () => number;
}

const Entry = z.looseObject({ at: z.number(), receipt: z.record(z.string(), z.string()).optional() });
const Claim = z.looseObject({ owner: z.string(), expiresAt: z.number(), pid: z.number().optional(), host: z.string().optional() });

/** What a ledger holds; also the shape of the local JSON file's `value`. */
export const LedgerData = z.looseObject({
  delivered: z.record(z.string(), Entry).default({}),
  threads: z.record(z.string(), Entry).default({}),
  claims: z.record(z.string(), Claim).default({}),
});
export type LedgerData = z.output<typeof LedgerData>;
type LedgerClaim = z.output<typeof Claim>;

export const emptyLedgerData = (): LedgerData => ({ delivered: {}, threads: {}, claims: {} });

export const threadKey = (receiver: string, groupKey: string): string => JSON.stringify([receiver, groupKey]);

/**
 * The ledger's rules as pure operations over {@link LedgerData}, shared by the memory and file adapters.
 * `isDead` lets the file adapter treat claims of dead local processes as expired.
 */
export class LedgerRules {
  readonly ttlMs: number;
  readonly maxEntries: number;
  readonly now: () => number;
  constructor(bounds: LedgerBounds = {}) {
    this.ttlMs = bounds.ttlMs ?? 7 * 24 * 3_600_000;
    this.maxEntries = bounds.maxEntries ?? 10_000;
    this.now = bounds.now ?? Date.now;
  }

  live(entry: { at: number } | undefined): boolean {
    return entry !== undefined && this.now() - entry.at < this.ttlMs;
  }

  record(d: LedgerData, id: string, receipt?: SendReceipt): void {
    d.delivered[id] = { at: this.now(), ...(receipt ? { receipt: { ...receipt } } : {}) };
    delete d.claims[id];
  }

  recordThread(d: LedgerData, receiver: string, groupKey: string, receipt: SendReceipt): void {
    d.threads[threadKey(receiver, groupKey)] = { at: this.now(), receipt: { ...receipt } };
  }

  claim(d: LedgerData, id: string, owner: string, now: number, leaseMs: number, extra: Partial<LedgerClaim>, isDead: (c: LedgerClaim) => boolean): ClaimResult {
    // Claims expire on the caller's clock (the one that set them), so stale ones are swept here.
    for (const [k, c] of Object.entries(d.claims)) if (c.expiresAt <= now) delete d.claims[k];
    if (this.live(d.delivered[id])) return { ok: false, reason: 'delivered' };
    const held = d.claims[id];
    if (held && held.owner !== owner && held.expiresAt > now && !isDead(held)) return { ok: false, reason: 'held', owner: held.owner };
    d.claims[id] = { ...extra, owner, expiresAt: now + leaseMs };
    return { ok: true };
  }

  release(d: LedgerData, id: string, owner: string): boolean {
    if (d.claims[id]?.owner !== owner) return false;
    delete d.claims[id];
    return true;
  }

  /** Drops expired entries, then the oldest beyond `maxEntries` (claims are swept by `claim`). */
  prune(d: LedgerData): void {
    for (const map of [d.delivered, d.threads]) {
      for (const [k, e] of Object.entries(map)) if (!this.live(e)) delete map[k];
      const keys = Object.keys(map);
      if (keys.length > this.maxEntries) {
        keys.sort((a, b) => map[a]!.at - map[b]!.at);
        for (const k of keys.slice(0, keys.length - this.maxEntries)) delete map[k];
      }
    }
  }
}

/** In-memory ledger: tests, one-shot runs, and a single process with nothing to persist. */
export class MemoryLedger implements Ledger {
  readonly #data = emptyLedgerData();
  readonly #rules: LedgerRules;
  constructor(bounds: LedgerBounds = {}) {
    this.#rules = new LedgerRules(bounds);
  }
  async has(id: string): Promise<boolean> {
    return this.#rules.live(this.#data.delivered[id]);
  }
  async record(id: string, receipt?: SendReceipt): Promise<void> {
    this.#rules.record(this.#data, id, receipt);
    this.#rules.prune(this.#data);
  }
  async receipt(id: string): Promise<SendReceipt | undefined> {
    const e = this.#data.delivered[id];
    return this.#rules.live(e) && e?.receipt ? { ...e.receipt } : undefined;
  }
  async threadReceipt(receiver: string, groupKey: string): Promise<SendReceipt | undefined> {
    const e = this.#data.threads[threadKey(receiver, groupKey)];
    return this.#rules.live(e) && e?.receipt ? { ...e.receipt } : undefined;
  }
  async recordThread(receiver: string, groupKey: string, receipt: SendReceipt): Promise<void> {
    this.#rules.recordThread(this.#data, receiver, groupKey, receipt);
    this.#rules.prune(this.#data);
  }
  async claim(id: string, owner: string, now: number, leaseMs: number): Promise<ClaimResult> {
    return this.#rules.claim(this.#data, id, owner, now, leaseMs, {}, () => false);
  }
  async release(id: string, owner: string): Promise<void> {
    this.#rules.release(this.#data, id, owner);
  }
}
