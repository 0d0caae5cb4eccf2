import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import type { SendReceipt } from '../../channels/channel.ts';
import type { LedgerData, LedgerRules } from './ledger.ts';

/**
 * The on-disk format of {@link FileLedger}: JSON Lines, a fixed-length header line naming the file's
 * generation (a fresh uuid at every creation/compaction, so a reader that kept a byte offset can tell
 * "the same file, grown" from "a rewritten file that happens to reuse the inode"), then one operation per line.
 */
const HEADER_PREFIX = '{"journal":"pooler-watch-ledger","v":1,"gen":"';
const HEADER_SUFFIX = '"}';
const GEN_LENGTH = 36; // a uuid

export const journalHeader = (gen: string = randomUUID()): string => `${HEADER_PREFIX}${gen}${HEADER_SUFFIX}`;

/** The generation of a header line, or undefined if `line` is not one. */
export function headerGeneration(line: string): string | undefined {
  if (line.length !== HEADER_PREFIX.length + GEN_LENGTH + HEADER_SUFFIX.length) return undefined;
  if (!line.startsWith(HEADER_PREFIX) || !line.endsWith(HEADER_SUFFIX)) return undefined;
  return line.slice(HEADER_PREFIX.length, HEADER_PREFIX.length + GEN_LENGTH);
}

const Receipt = z.record(z.string(), z.string());

/** One journal line. */
export const JournalOp = z.discriminatedUnion('op', [
  z.looseObject({ op: z.literal('record'), id: z.string(), at: z.number(), receipt: Receipt.optional() }),
  z.looseObject({ op: z.literal('claim'), id: z.string(), owner: z.string(), until: z.number(), pid: z.number().optional(), host: z.string().optional() }),
  z.looseObject({ op: z.literal('release'), id: z.string(), owner: z.string() }),
  z.looseObject({ op: z.literal('thread'), key: z.string(), receipt: Receipt, at: z.number() }),
]);
export type JournalOp = z.output<typeof JournalOp>;

type Entry = { at: number; receipt?: SendReceipt };
type Claims = LedgerData['claims'];

/** Parses one line: an op, or the reason it is unreadable (never quoting the line). */
export function parseOp(line: string): JournalOp | string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  const parsed = JournalOp.safeParse(json);
  if (parsed.success) return parsed.data;
  return parsed.error.issues.map((is) => `${is.path.join('.') || '(root)'}: ${is.message}`).join('; ').slice(0, 300);
}

/**
 * The in-memory state a journal replays to. Replay is deterministic, so every process that read the
 * same lines holds the same index. Maps keep record order, which is the eviction order for `maxEntries`
 * (oldest record first; the same as "oldest `at`" while writers' clocks agree). TTL is applied on read
 * (`LedgerRules.live`) and by compaction, which drops expired entries.
 */
export class JournalIndex {
  readonly delivered = new Map<string, Entry>();
  readonly threads = new Map<string, Entry>();
  /** A plain (prototype-less) record so {@link LedgerRules.claim} can decide on it directly. */
  readonly claims: Claims = Object.create(null) as Claims;
  /** Lines after the header (good, bad and blank): what compaction would shrink. */
  lines = 0;

  constructor(readonly maxEntries: number) {}

  apply(op: JournalOp): void {
    switch (op.op) {
      case 'record':
        this.#put(this.delivered, op.id, { at: op.at, ...(op.receipt ? { receipt: op.receipt } : {}) });
        delete this.claims[op.id];
        break;
      case 'thread':
        this.#put(this.threads, op.key, { at: op.at, receipt: op.receipt });
        break;
      case 'claim':
        this.claims[op.id] = { owner: op.owner, expiresAt: op.until, ...(op.pid === undefined ? {} : { pid: op.pid }), ...(op.host === undefined ? {} : { host: op.host }) };
        break;
      case 'release':
        if (this.claims[op.id]?.owner === op.owner) delete this.claims[op.id];
        break;
    }
  }

  /** The {@link LedgerData} view {@link LedgerRules.claim} needs for `id` (claims are shared, not copied). */
  viewFor(id: string): LedgerData {
    const delivered = Object.create(null) as LedgerData['delivered'];
    const e = this.delivered.get(id);
    if (e) delivered[id] = e;
    return { delivered, threads: {}, claims: this.claims };
  }

  get live(): number {
    return this.delivered.size + this.threads.size + Object.keys(this.claims).length;
  }

  /** The lines of a compacted journal: live entries in record order, then claims. */
  compacted(rules: LedgerRules): string[] {
    const out: string[] = [];
    for (const [id, e] of this.delivered) if (rules.live(e)) out.push(JSON.stringify({ op: 'record', id, at: e.at, ...(e.receipt ? { receipt: e.receipt } : {}) }));
    for (const [key, e] of this.threads) if (rules.live(e) && e.receipt) out.push(JSON.stringify({ op: 'thread', key, receipt: e.receipt, at: e.at }));
    for (const [id, c] of Object.entries(this.claims)) out.push(JSON.stringify({ op: 'claim', id, owner: c.owner, until: c.expiresAt, pid: c.pid, host: c.host }));
    return out;
  }

  #put(map: Map<string, Entry>, key: string, entry: Entry): void {
    map.delete(key);
    map.set(key, entry);
    if (map.size > this.maxEntries) for (const k of map.keys()) {
      map.delete(k);
      if (map.size <= this.maxEntries) break;
    }
  }
}

/** Journal lines equivalent to a legacy whole-JSON ledger (oldest first, so eviction order is kept). */
export function legacyToOps(d: LedgerData): string[] {
  const byAt = (m: Record<string, Entry>) => Object.entries(m).sort((a, b) => a[1].at - b[1].at);
  const out: string[] = [];
  for (const [id, e] of byAt(d.delivered)) out.push(JSON.stringify({ op: 'record', id, at: e.at, ...(e.receipt ? { receipt: e.receipt } : {}) }));
  for (const [key, e] of byAt(d.threads)) if (e.receipt) out.push(JSON.stringify({ op: 'thread', key, receipt: e.receipt, at: e.at }));
  for (const [id, c] of Object.entries(d.claims)) out.push(JSON.stringify({ op: 'claim', id, owner: c.owner, until: c.expiresAt, pid: c.pid, host: c.host }));
  return out;
}
