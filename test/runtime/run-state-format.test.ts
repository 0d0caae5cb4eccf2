import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Transition } from '../../functions/core/alerts/index.ts';
import { Config } from '../../functions/config/schema.ts';
import { ConfigError, StateError } from '../../functions/platform/errors.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import { JsonFileStateStore } from '../../functions/platform/state-store.ts';
import { parseRunState, RUN_STATE_FORMAT, type StoredRunState } from '../../functions/runtime/run-state.ts';
import { runLoop } from '../../functions/runtime/run.ts';
import { startServer, type TestServer } from '../platform/http-servers.ts';

let server: TestServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  server = dir = undefined;
});

/** A failing check (fires at once) and a simulated clock, so two rounds trigger `http-check-failed`. */
async function setup() {
  dir = await mkdtemp(join(tmpdir(), 'pw-run-state-'));
  server = await startServer((_req, res) => res.writeHead(503).end());
  const config = Config.parse({ checks: [{ name: 'api', url: server.url, failureThreshold: 1 }], interval: 1, state: { dir } });
  let t = Date.parse('2026-11-24T10:00:00Z');
  const seen: Transition[] = [];
  const lines: string[] = [];
  const opts = {
    config,
    sinks: [{ write: async (ts: Transition[]) => void seen.push(...ts) }],
    logger: createLogger({ stream: { write: (l: string) => lines.push(l) } }),
    out: { write: () => true },
    now: () => (t += 30_000),
    env: {},
  };
  return { path: join(dir, 'state.json'), seen, lines, opts };
}

type Stored = { version: number; savedAt: number; value: Record<string, unknown> };

/**
 * Before commit 2e53179 `run` persisted the WatchState itself as state.json's `value`; since then it is
 * `{watch, grouper}` (now marked `format: 2`). An old file must not load as "no state": the watcher would start
 * empty and the first save would overwrite the old alert state, so every firing alert re-pages after an upgrade
 * and alerts that cleared meanwhile never get their resolve. It is migrated; what no version wrote is refused.
 */
describe('run: state.json written by an older version', () => {
  it('is migrated or refused, not silently reset', async () => {
    const { path, seen, lines, opts } = await setup();
    await runLoop({ ...opts, rounds: 2 });
    expect(seen.map((x) => x.action)).toContain('trigger');
    // Rewrite the file as the previous version wrote it: value = the WatchState itself.
    const stored = JSON.parse(await readFile(path, 'utf8')) as { version: number; savedAt: number; value: { watch: unknown } };
    await writeFile(path, JSON.stringify({ version: stored.version, savedAt: stored.savedAt, value: stored.value.watch }, null, 2));
    seen.length = 0;

    let outcome: 'refused' | 'ran';
    try {
      await runLoop({ ...opts, rounds: 1 });
      outcome = 'ran';
    } catch {
      outcome = 'refused';
    }
    expect(outcome).toBe('ran'); // this version migrates it
    if (outcome === 'ran') {
      // Migrated: the alert was already firing, so this round must not trigger it again.
      expect(seen.map((x) => [x.action, x.state.rule])).not.toContainEqual(['trigger', 'http-check-failed']);
    }
    expect(lines.filter((l) => l.includes('state file of an older version migrated'))).toHaveLength(1);
    // Saved back in the current format, continuing the file's version sequence.
    const after = JSON.parse(await readFile(path, 'utf8')) as Stored;
    expect(after.version).toBe(stored.version + 1);
    expect(after.value).toMatchObject({ format: RUN_STATE_FORMAT, grouper: { groups: expect.any(Array) } });
    expect(Object.keys(after.value.watch as object)).toEqual(expect.arrayContaining(['version', 'history', 'memo', 'alerts']));
  }, 15_000);

  it('an unmarked {watch, grouper} (before `format`) loads as is', async () => {
    const { path, seen, opts } = await setup();
    await runLoop({ ...opts, rounds: 2 });
    const stored = JSON.parse(await readFile(path, 'utf8')) as Stored;
    expect(stored.value.format).toBe(RUN_STATE_FORMAT);
    delete stored.value.format;
    await writeFile(path, JSON.stringify(stored));
    seen.length = 0;
    await runLoop({ ...opts, rounds: 1 });
    expect(seen.map((x) => [x.action, x.state.rule])).not.toContainEqual(['trigger', 'http-check-failed']);
  }, 15_000);
});

describe('run: a state.json it cannot read', () => {
  it('of an unknown shape is refused with a ConfigError naming the file, never its content, and left in place', async () => {
    const { path, seen, opts } = await setup();
    const text = JSON.stringify({ version: 4, savedAt: 0, value: { alerts: 'hunter2-not-for-logs', grouper: 1 } });
    await writeFile(path, text);
    const err = await runLoop({ ...opts, rounds: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).not.toContain('hunter2');
    expect(await readFile(path, 'utf8')).toBe(text);
    expect(await readdir(dir!)).not.toContainEqual(expect.stringContaining('.corrupt-'));
    expect(seen).toEqual([]);
    expect(server!.requests).toHaveLength(0); // refused before the first round
  });

  it('written by a newer version (a higher format) is refused and left in place', async () => {
    const { path, opts } = await setup();
    await runLoop({ ...opts, rounds: 1 });
    const stored = JSON.parse(await readFile(path, 'utf8')) as Stored;
    const text = JSON.stringify({ ...stored, value: { ...stored.value, format: RUN_STATE_FORMAT + 1 } });
    await writeFile(path, text);
    await expect(runLoop({ ...opts, rounds: 1 })).rejects.toThrow(ConfigError);
    await expect(runLoop({ ...opts, rounds: 1 })).rejects.toThrow(/newer pooler-watch/);
    expect(await readFile(path, 'utf8')).toBe(text);
  }, 15_000);

  it('that is garbage is still a corrupt file: a StateError, moved aside', async () => {
    const { path, opts } = await setup();
    await writeFile(path, '{"version": 3, "value": {"wat');
    const err = await runLoop({ ...opts, rounds: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toMatch(/is corrupt/);
    expect((await readdir(dir!)).filter((f) => f.startsWith('state.json.corrupt-'))).toHaveLength(1);
  });
});

describe('parseRunState', () => {
  const path = '/var/lib/pooler-watch/state.json';
  const watch = { version: 3, history: { version: 1, pods: [] }, memo: { version: 1, pods: {} }, alerts: {} };

  it('reads the current format, the unmarked one and the bare WatchState (migrated, empty grouper)', () => {
    expect(parseRunState({ format: 2, watch, grouper: { groups: [] } }, path)).toEqual({ state: { format: 2, watch, grouper: { groups: [] } } });
    expect(parseRunState({ watch, grouper: { groups: [] } }, path)).toEqual({ state: { format: 2, watch, grouper: { groups: [] } } });
    expect(parseRunState(watch, path)).toEqual({ state: { format: 2, watch, grouper: { groups: [] } }, migratedFrom: 1 });
  });

  it.each([
    ['a current shape with a broken watch', { format: 2, watch: { ...watch, history: 'x' }, grouper: { groups: [] } }],
    ['a current shape without grouper', { watch }],
    ['a bare WatchState with a broken alert', { ...watch, alerts: { fp: { rule: 1 } } }],
    ['an older format marked explicitly', { ...watch, format: 1 }],
    ['an array', [watch]],
    ['null', null],
  ])('refuses %s with a ConfigError naming the file', (_what, raw) => {
    expect(() => parseRunState(raw, path)).toThrow(ConfigError);
    expect(() => parseRunState(raw, path)).toThrow(path);
  });

  it('as the state store parse: a save never overwrites a refused file', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-run-state-'));
    const file = join(dir, 'state.json');
    const text = JSON.stringify({ version: 2, savedAt: 0, value: { format: 99 } });
    await writeFile(file, text);
    const store = new JsonFileStateStore<StoredRunState>(file, { parse: (raw) => parseRunState(raw, file).state });
    await expect(store.save({ format: 2, watch: watch as never, grouper: { groups: [] } })).rejects.toThrow(ConfigError);
    await expect(store.load()).rejects.toThrow(ConfigError);
    expect(await readFile(file, 'utf8')).toBe(text);
  });
});
