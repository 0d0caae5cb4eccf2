import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, open, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileLedger } from '../../../functions/platform/delivery/file-ledger.ts';
import { journalHeader } from '../../../functions/platform/delivery/ledger-journal.ts';
import { createLogger } from '../../../functions/platform/logger.ts';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..', '..');

let dir: string;
let path: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pw-journal-'));
  path = join(dir, 'ledger.json');
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function capture() {
  const lines: Array<Record<string, unknown>> = [];
  const logger = createLogger({ stream: { write: (l: string) => lines.push(JSON.parse(l) as Record<string, unknown>) }, level: 'debug' });
  return { logger, lines, msgs: () => lines.map((l) => l.msg) };
}

const fileLines = async () => (await readFile(path, 'utf8')).split('\n').filter((l) => l !== '');

describe('FileLedger journal', () => {
  it('is JSON Lines of operations after a generation header; each instance reads only the new tail', async () => {
    const a = new FileLedger(path);
    const b = new FileLedger(path);
    expect(await b.has('x')).toBe(false);
    await a.record('x', { ts: '1' });
    expect(await b.has('x')).toBe(true);
    expect(await b.receipt('x')).toEqual({ ts: '1' });
    await b.recordThread('slack', 'g', { channel: 'C', ts: '2' });
    await b.record('y');
    expect(await a.threadReceipt('slack', 'g')).toEqual({ channel: 'C', ts: '2' });
    expect(await a.has('y')).toBe(true);
    expect((await a.claim('z', 'run-a', Date.now(), 60_000)).ok).toBe(true);
    expect(await b.claim('z', 'run-b', Date.now(), 60_000)).toEqual({ ok: false, reason: 'held', owner: 'run-a' });
    await a.release('z', 'run-a');
    expect((await b.claim('z', 'run-b', Date.now(), 60_000)).ok).toBe(true);

    const lines = await fileLines();
    expect(lines[0]).toMatch(/^\{"journal":"pooler-watch-ledger","v":1,"gen":"[0-9a-f-]{36}"\}$/);
    const ops = lines.slice(1).map((l) => (JSON.parse(l) as { op: string }).op);
    expect(ops).toEqual(['record', 'thread', 'record', 'claim', 'release', 'claim']);
  });

  it('group-commits concurrent writes of one instance; another instance sees them all', async () => {
    const a = new FileLedger(path);
    await Promise.all(Array.from({ length: 200 }, (_, i) => a.record(`id-${i}`)));
    const b = new FileLedger(path);
    for (let i = 0; i < 200; i++) expect(await b.has(`id-${i}`)).toBe(true);
    expect(await fileLines()).toHaveLength(201);
  });

  it('compacts once the journal outgrows its live entries; the other instance notices and re-reads', async () => {
    const a = new FileLedger(path, { maxEntries: 10 });
    const b = new FileLedger(path, { maxEntries: 10 });
    await a.record('first');
    expect(await b.has('first')).toBe(true);
    const before = await stat(path);
    await Promise.all(Array.from({ length: 1_100 }, (_, i) => a.record(`id-${i}`))); // one group commit, then compaction
    const after = await stat(path);
    expect(after.ino).not.toBe(before.ino); // rewritten (temp file + rename)
    expect((await fileLines()).length).toBeLessThan(200);
    expect(await b.has('first')).toBe(false); // evicted by maxEntries, gone after compaction
    expect(await b.has('id-1099')).toBe(true);
    expect(await b.has('id-1089')).toBe(false);
    await a.record('later');
    expect(await b.has('later')).toBe(true);
    await b.record('from-b');
    expect(await a.has('from-b')).toBe(true);
  });

  it('drops expired entries at compaction (TTL)', async () => {
    let t = 0;
    const a = new FileLedger(path, { ttlMs: 1_000, now: () => t });
    await a.record('old');
    t = 5_000;
    await Promise.all(Array.from({ length: 1_100 }, () => a.record('same'))); // many lines, one live entry
    const lines = await fileLines();
    expect(lines.some((l) => l.includes('"old"'))).toBe(false);
    expect(lines.length).toBeLessThan(150);
    expect(await new FileLedger(path, { ttlMs: 1_000, now: () => t }).has('same')).toBe(true);
  });

  it('detects a rewritten file by its generation header even when inode and size give nothing away', async () => {
    const a = new FileLedger(path);
    await a.record('x');
    expect(await a.has('x')).toBe(true);
    // Same inode, not smaller: only the header tells this is another journal.
    const other = `${journalHeader()}\n${JSON.stringify({ op: 'record', id: 'y', at: Date.now() })}\n`.padEnd((await stat(path)).size + 10, ' ');
    const fh = await open(path, 'r+');
    await fh.write(other, 0);
    await fh.close();
    expect(await a.has('y')).toBe(true);
    expect(await a.has('x')).toBe(false);
  });

  it('concurrent claims of many ids from two instances: exactly one wins each', async () => {
    const a = new FileLedger(path);
    const b = new FileLedger(path);
    const ids = Array.from({ length: 100 }, (_, i) => `id-${i}`);
    const results = await Promise.all(ids.flatMap((id) => [a.claim(id, 'run-a', Date.now(), 60_000), b.claim(id, 'run-b', Date.now(), 60_000)]));
    for (let i = 0; i < ids.length; i++) expect([results[2 * i]!.ok, results[2 * i + 1]!.ok].filter(Boolean)).toHaveLength(1);
  });

  it('concurrent claims from two processes: exactly one wins each id', async () => {
    const start = join(dir, 'go');
    const run = (owner: string) => {
      const child = spawn(process.execPath, ['--import', 'tsx', join(here, 'fixtures', 'claim-child.ts'), path, start, owner, '200'], { cwd: root, stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => (out += c.toString()));
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const ready = new Promise<void>((resolve) => child.stdout.on('data', () => out.includes('ready') && resolve()));
      // Both stay alive until both have answered: a dead process's claims may be taken over.
      const won = new Promise<string[]>((resolve, reject) => {
        child.stdout.on('data', () => out.split('\n').length > 2 && resolve(JSON.parse(out.split('\n')[1]!) as string[]));
        child.on('exit', (code) => reject(new Error(`child ${owner} exited ${code}: ${err}`)));
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      return { ready, won, exited, end: () => child.stdin.end() };
    };
    const one = run('proc-1');
    const two = run('proc-2');
    await Promise.all([one.ready, two.ready]);
    await writeFile(start, '');
    const [w1, w2] = await Promise.all([one.won, two.won]);
    one.end();
    two.end();
    expect(await Promise.all([one.exited, two.exited])).toEqual([0, 0]);
    expect(w1.filter((id) => w2.includes(id))).toEqual([]);
    expect([...w1, ...w2].sort()).toEqual(Array.from({ length: 200 }, (_, i) => `id-${i}`).sort());
  }, 30_000);

  it('leaves a partially written last line for later, and reads it once complete', async () => {
    const log = capture();
    const a = new FileLedger(path, { logger: log.logger });
    await a.record('x');
    const line = JSON.stringify({ op: 'record', id: 'y', at: Date.now() });
    await appendFile(path, line.slice(0, 10));
    expect(await a.has('y')).toBe(false);
    expect(await a.has('x')).toBe(true);
    await appendFile(path, `${line.slice(10)}\n`);
    expect(await a.has('y')).toBe(true);
    expect(log.msgs()).not.toContain('ledger line corrupt; skipped');
  });

  it('a torn last line left by a dead writer stays alone: the next append starts on a new line', async () => {
    const log = capture();
    const a = new FileLedger(path, { logger: log.logger });
    await a.record('x');
    await appendFile(path, '{"op":"record","id":"tor'); // died mid-append
    await a.record('y');
    const b = new FileLedger(path, { logger: log.logger });
    expect(await b.has('x')).toBe(true);
    expect(await b.has('y')).toBe(true);
    expect(await fileLines()).toContain('{"op":"record","id":"tor');
    expect(log.msgs().filter((m) => m === 'ledger line corrupt; skipped')).toHaveLength(2); // once per instance
  });

  it('a torn line that is a complete operation is read the same by every instance', async () => {
    const a = new FileLedger(path);
    await a.record('x');
    await appendFile(path, JSON.stringify({ op: 'record', id: 'y', at: Date.now() })); // newline never written
    await a.record('z'); // under the lock: the unterminated line is final
    for (const l of [a, new FileLedger(path)]) for (const id of ['x', 'y', 'z']) expect(await l.has(id)).toBe(true);
  });

  it('skips a corrupt line, keeps the good ones, and warns about it once', async () => {
    const log = capture();
    const a = new FileLedger(path, { logger: log.logger });
    await a.record('before');
    await appendFile(path, 'not json\n{"op":"record","id":"no-at"}\n');
    await a.record('after');
    for (let i = 0; i < 3; i++) {
      expect(await a.has('before')).toBe(true);
      expect(await a.has('after')).toBe(true);
      expect(await a.has('no-at')).toBe(false);
    }
    const warnings = log.lines.filter((l) => l.msg === 'ledger line corrupt; skipped');
    expect(warnings).toHaveLength(2);
    expect(warnings.map((w) => w.error)).toEqual(['not valid JSON', expect.stringContaining('at:')]);
    expect(JSON.stringify(warnings)).not.toContain('not json'); // never quotes the line
  });

  it('migrates a legacy whole-JSON ledger on first use, keeping records, threads and claims', async () => {
    const now = Date.now();
    const value = {
      delivered: { a: { at: now - 1_000, receipt: { ts: '1' } }, old: { at: now - 30 * 86_400_000 } },
      threads: { '["slack","g"]': { at: now, receipt: { channel: 'C', ts: '1' } } },
      claims: { c: { owner: 'other', expiresAt: now + 60_000, pid: process.pid, host: hostname() } },
    };
    await writeFile(path, JSON.stringify({ version: 3, savedAt: now, value }, null, 2));
    const log = capture();
    const ledger = new FileLedger(path, { logger: log.logger });
    expect(await ledger.has('a')).toBe(true);
    expect(await ledger.receipt('a')).toEqual({ ts: '1' });
    expect(await ledger.has('old')).toBe(false);
    expect(await ledger.threadReceipt('slack', 'g')).toEqual({ channel: 'C', ts: '1' });
    expect(await ledger.claim('c', 'me', now, 1_000)).toEqual({ ok: false, reason: 'held', owner: 'other' });
    expect(log.msgs()).toContain('ledger migrated to the journal format');
    expect((await fileLines())[0]).toMatch(/^\{"journal":/);
    expect(await new FileLedger(path).has('a')).toBe(true);
    expect((await readdir(dir)).filter((f) => f.includes('corrupt'))).toEqual([]);
  });
});
