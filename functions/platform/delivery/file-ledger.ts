import { hostname } from 'node:os';
import type { SendReceipt } from '../../channels/channel.ts';
import { StateError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import { JsonFileStateStore } from '../state-store.ts';
import { withFileLock, isProcessAlive } from './file-lock.ts';
import { emptyLedgerData, LedgerData, LedgerRules, threadKey } from './ledger.ts';
import type { ClaimResult, Ledger, LedgerBounds } from './ledger.ts';

/** Options of {@link FileLedger}. */
export interface FileLedgerOptions extends LedgerBounds {
  /** Warned when a corrupt ledger file is set aside (delivery continues; vendor keys absorb repeats). */
  logger?: Logger;
}

const HOST = hostname();

/**
 * The ledger of the local runtime: one JSON file (JsonFileStateStore: temp file, fsync, rename), every
 * change a locked read-modify-write (`<path>.lock`) so several runs and instances share it safely.
 * A claim also records this process's pid: a claim left by a process on this host that is no longer
 * alive (killed mid-delivery) is treated as expired, so a restart need not wait out the lease.
 * A corrupt file is moved aside and replaced by an empty ledger — at worst a resend, never a silent stop.
 */
export class FileLedger implements Ledger {
  readonly path: string;
  readonly #store: JsonFileStateStore<LedgerData>;
  readonly #rules: LedgerRules;
  readonly #logger: Logger | undefined;

  constructor(path: string, options: FileLedgerOptions = {}) {
    this.path = path;
    this.#rules = new LedgerRules(options);
    this.#logger = options.logger;
    this.#store = new JsonFileStateStore<LedgerData>(path, { parse: (raw) => LedgerData.parse(raw), now: this.#rules.now });
  }

  async has(id: string): Promise<boolean> {
    return this.#rules.live((await this.#load()).delivered[id]);
  }

  async record(id: string, receipt?: SendReceipt): Promise<void> {
    await this.#update((d) => {
      this.#rules.record(d, id, receipt);
      return true;
    });
  }

  async receipt(id: string): Promise<SendReceipt | undefined> {
    const e = (await this.#load()).delivered[id];
    return this.#rules.live(e) ? e?.receipt : undefined;
  }

  async threadReceipt(receiver: string, groupKey: string): Promise<SendReceipt | undefined> {
    const e = (await this.#load()).threads[threadKey(receiver, groupKey)];
    return this.#rules.live(e) ? e?.receipt : undefined;
  }

  async recordThread(receiver: string, groupKey: string, receipt: SendReceipt): Promise<void> {
    await this.#update((d) => {
      this.#rules.recordThread(d, receiver, groupKey, receipt);
      return true;
    });
  }

  async claim(id: string, owner: string, now: number, leaseMs: number): Promise<ClaimResult> {
    let result: ClaimResult = { ok: false, reason: 'held' };
    await this.#update((d) => {
      result = this.#rules.claim(d, id, owner, now, leaseMs, { pid: process.pid, host: HOST }, (c) => {
        return c.host === HOST && c.pid !== undefined && c.pid !== process.pid && !isProcessAlive(c.pid);
      });
      return result.ok;
    });
    return result;
  }

  async release(id: string, owner: string): Promise<void> {
    await this.#update((d) => this.#rules.release(d, id, owner));
  }

  async #load(): Promise<LedgerData> {
    try {
      return (await this.#store.load()) ?? emptyLedgerData();
    } catch (err) {
      if (!(err instanceof StateError) || !/corrupt/.test(err.message)) throw err;
      this.#logger?.warn('ledger file corrupt; starting an empty ledger', { error: err.message });
      return emptyLedgerData();
    }
  }

  /** Locked read-modify-write; `change` returns whether anything changed (no write otherwise). */
  async #update(change: (d: LedgerData) => boolean): Promise<void> {
    await withFileLock(`${this.path}.lock`, async () => {
      const data = await this.#load();
      if (!change(data)) return;
      this.#rules.prune(data);
      await this.#store.save(data);
    });
  }
}
