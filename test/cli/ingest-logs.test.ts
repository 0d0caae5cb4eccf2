import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { HOSTILE_LINES, SECRETS } from '../core/sampler/hostile.ts';
import { fixture, fixturePath } from '../core/sampler/helpers.ts';

let dir: string;
let config: string;
const notifications = async (): Promise<Array<{ id: string; alerts: Array<Record<string, unknown>> }>> =>
  (await readFile(join(dir, 'notifications.jsonl'), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; alerts: Array<Record<string, unknown>> });

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'pooler-watch-ingest-'));
  config = join(dir, 'config.json');
  await writeFile(
    config,
    JSON.stringify({
      targets: [{ name: 'unused', url: 'http://127.0.0.1:9/metrics' }],
      state: { dir: join(dir, 'state') },
      receivers: [{ name: 'file', channel: { type: 'jsonl', path: join(dir, 'notifications.jsonl') } }],
    }),
  );
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('pooler-watch ingest-logs', () => {
  it('turns the worker OOM fixture into findings, notifies each once, and says what it read', async () => {
    const r = await runCli(['ingest-logs', fixturePath('worker-oom.log'), '--config', config]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^read 17 lines \(\d+ bytes\): 6 snapshots, 11 skipped, 0 rejected$/m);
    expect(r.stdout).toMatch(/findings: 3\n/);
    expect(r.stdout).toMatch(/critical +sampler-cgroup-near-limit +codex-pooler-worker-7d9f8c6b5-x2k4p at 2026-11-24T10:05:11.803Z: worker pod: cgroup RSS/);
    expect(r.stdout).toMatch(/notifications: 3 new, 0 already accepted; delivered 3, already sent 0, dead-lettered 0, pending 0/);
    const sent = await notifications();
    expect(sent).toHaveLength(3);
    expect(sent.flatMap((n) => n.alerts.map((a) => a.source))).toEqual(['sampler-logs', 'sampler-logs', 'sampler-logs']);
    const memo = JSON.parse(await readFile(join(dir, 'state', 'sampler-memo.json'), 'utf8')) as { value: { pods: Record<string, { snapshots: unknown[] }> } };
    expect(memo.value.pods['codex-pooler-worker-7d9f8c6b5-x2k4p']?.snapshots).toHaveLength(6);
  });

  it('re-ingesting the same file never notifies twice', async () => {
    const args = ['ingest-logs', fixturePath('scheduler-mailbox.jsonl'), '--config', config, '--json'];
    const first = JSON.parse((await runCli(args)).stdout) as { findings: unknown[]; notifications: Record<string, number> };
    expect(first.findings).toHaveLength(3);
    expect(first.notifications).toMatchObject({ accepted: 3, sent: 3, alreadySent: 0 });
    const second = await runCli(args);
    expect(second.code).toBe(0);
    const again = JSON.parse(second.stdout) as { notifications: Record<string, number> };
    // Routed again (the local webhook marks live in memory), but the same ids: the delivery ledger drops them.
    expect(again.notifications).toMatchObject({ sent: 0, alreadySent: 3, deadLettered: 0 });
    expect(await notifications()).toHaveLength(3);
  });

  it('reads stdin with -, reports rejected lines by number and reason (exit 0, or 1 with --strict), as JSON', async () => {
    const input = fixture('malformed.log');
    const r = await runCli(['ingest-logs', '-', '--config', config, '--json'], { stdin: input });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/warning: 12 line\(s\) carried the sampler's message but could not be read/);
    const out = JSON.parse(r.stdout) as { lines: number; snapshots: number; skipped: number; rejected: number; rejects: Array<{ line: number; reason: string }> };
    expect(out).toMatchObject({ lines: 18, snapshots: 4, skipped: 2, rejected: 12 });
    expect(out.rejects.slice(0, 3)).toEqual([
      { line: 2, reason: 'invalid JSON' },
      { line: 3, reason: 'invalid memory.total' },
      { line: 4, reason: 'invalid cgroup.usage' },
    ]);
    expect(r.stdout).not.toContain('polluted');
    const strict = await runCli(['ingest-logs', '-', '--config', config, '--strict'], { stdin: input });
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/rejected: line 2 \(invalid JSON\), line 3 \(invalid memory.total\)/);
  });

  it('a 1 MB line is rejected without being buffered; a size cap on the whole input exits 1', async () => {
    const big = `2026-11-24T10:00:00Z memory sampler snapshot ${'x'.repeat(1024 * 1024)}\n${fixture('worker-oom.log')}`;
    const r = await runCli(['ingest-logs', '-', '--config', config, '--json', '--dry-run'], { stdin: big });
    const out = JSON.parse(r.stdout) as { rejects: unknown[]; snapshots: number };
    expect(out.rejects).toEqual([{ line: 1, reason: 'line over 262144 bytes' }]);
    expect(out.snapshots).toBe(6);

    const capped = JSON.parse(await readFile(config, 'utf8')) as Record<string, unknown>;
    await writeFile(config, JSON.stringify({ ...capped, samplerLogs: { maxInputBytes: 4096 } }));
    const cut = await runCli(['ingest-logs', fixturePath('worker-oom.log'), '--config', config]);
    expect(cut.code).toBe(1);
    expect(cut.stderr).toMatch(/input cut at 4096 bytes/);
  });

  it('--dry-run prints findings and writes nothing', async () => {
    const r = await runCli(['ingest-logs', fixturePath('worker-oom.log'), '--config', config, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/findings: 3\n/);
    expect(r.stdout).toMatch(/notifications: none \(--dry-run\)/);
    expect(await readdir(join(dir, 'state')).catch(() => [])).toEqual([]);
    expect(await notifications()).toEqual([]);
  });

  it('--dry-run over more than one batch finds what a real ingest finds (later batches see the earlier ones)', async () => {
    const line = (await readFile(fixturePath('worker-oom.log'), 'utf8')).split('\n').find((l) => l.includes('memory sampler snapshot'))!;
    const stamp = /^\S+/.exec(line)![0];
    const t0 = Date.parse(stamp);
    const lines = Array.from({ length: 620 }, (_, i) => line.replace(stamp, new Date(t0 + i * 60_000).toISOString()));
    const file = join(dir, 'long.log');
    await writeFile(file, `${lines.join('\n')}\n`);
    const dry = JSON.parse((await runCli(['ingest-logs', file, '--config', config, '--json', '--dry-run'])).stdout) as { findings: unknown[] };
    const real = JSON.parse((await runCli(['ingest-logs', file, '--config', config, '--json'])).stdout) as { findings: unknown[] };
    expect(dry.findings.length).toBeGreaterThan(20);
    expect(dry.findings).toEqual(real.findings);
  });

  it('no secret from an unknown field, a process or ETS name reaches stdout, stderr, notifications or the memo', async () => {
    const file = join(dir, 'hostile.log');
    await writeFile(file, `${HOSTILE_LINES.join('\n')}\n`);
    const r = await runCli(['ingest-logs', file, '--config', config]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\d+ snapshots/);
    expect((await notifications()).length).toBeGreaterThan(0);
    const everything = [r.stdout, r.stderr, await readFile(join(dir, 'notifications.jsonl'), 'utf8'), await readFile(join(dir, 'state', 'sampler-memo.json'), 'utf8')].join('\n');
    for (const secret of SECRETS) expect(everything).not.toContain(secret);
  });

  it('usage errors exit 2', async () => {
    expect((await runCli(['ingest-logs'])).code).toBe(2);
    expect((await runCli(['ingest-logs', 'a', 'b'])).code).toBe(2);
    expect((await runCli(['ingest-logs', fixturePath('worker-oom.log'), '--bogus'])).code).toBe(2);
    const missing = await runCli(['ingest-logs', join(dir, 'nope.log'), '--config', config]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/cannot read .*nope\.log \(ENOENT\)/);
  });
});
