// FileLedger micro-benchmark (not part of `npm run bench`): `npx tsx bench/ledger.ts [n] [concurrency]`.
// Records then looks up `n` ids, once one call at a time and once with `concurrency` calls in flight
// (what the receiver does under load: group commit turns a burst into one lock + one fsync).
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FileLedger } from '../functions/platform/delivery/file-ledger.ts';

export interface LedgerBenchResult {
  name: string;
  ops: number;
  opsPerSec: number;
  /** Calls that threw (e.g. a lock wait timing out under contention). */
  errors: number;
}

async function timed(name: string, ops: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<LedgerBenchResult> {
  let next = 0;
  let errors = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, ops) }, async () => {
      while (next < ops) await op(next++).catch(() => errors++);
    }),
  );
  const secs = (performance.now() - started) / 1000;
  return { name: `${name} (x${concurrency})`, ops, opsPerSec: Math.round(ops / secs), errors };
}

export async function benchLedger(n = 10_000, concurrency = 64): Promise<LedgerBenchResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'pw-bench-ledger-'));
  try {
    const path = join(dir, 'ledger.json');
    const ledger = new FileLedger(path, { maxEntries: 4 * n });
    const seqN = Math.max(1, Math.floor(n / 4));
    const results = [
      await timed('record', seqN, 1, (i) => ledger.record(`seq-${i}`, { ts: String(i) })),
      await timed('record', n, concurrency, (i) => ledger.record(`par-${i}`, { ts: String(i) })),
      await timed('has', n, 1, (i) => ledger.has(`par-${i}`)),
      await timed('has', n, concurrency, (i) => ledger.has(`par-${i}`)),
      await timed('has (other instance)', n, 1, (() => {
        const other = new FileLedger(path, { maxEntries: 4 * n });
        return (i: number) => other.has(`par-${i}`);
      })()),
      await timed('claim+release', seqN, 1, async (i) => {
        await ledger.claim(`c-${i}`, 'bench', Date.now(), 60_000);
        await ledger.release(`c-${i}`, 'bench');
      }),
      await timed('claim+record+release', n, concurrency, async (i) => {
        await ledger.claim(`j-${i}`, 'bench', Date.now(), 60_000);
        await ledger.record(`j-${i}`);
        await ledger.release(`j-${i}`, 'bench');
      }),
    ];
    for (const r of results) console.log(`${r.name.padEnd(32)} ${String(r.ops).padStart(6)} ops  ${String(r.opsPerSec).padStart(8)} ops/s${r.errors ? `  (${r.errors} errors)` : ''}`);
    console.log(`ledger file: ${(await stat(path)).size} bytes`);
    return results;
  } finally {
    await rm(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  await benchLedger(Number(process.argv[2] ?? 10_000), Number(process.argv[3] ?? 64));
}
