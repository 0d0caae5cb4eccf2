import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StateError } from '../../functions/platform/errors.ts';
import { JsonFileStateStore, MemoryStateStore } from '../../functions/platform/state-store.ts';
import type { StoredState } from '../../functions/platform/state-store.ts';

type S = { n: number; items: string[] };

describe('MemoryStateStore', () => {
  it('round-trips deep copies and counts versions', async () => {
    const store = new MemoryStateStore<S>();
    expect(await store.load()).toBeUndefined();
    const v: S = { n: 1, items: ['a'] };
    await store.save(v);
    v.items.push('mutated after save');
    const loaded = await store.load();
    expect(loaded).toEqual({ n: 1, items: ['a'] });
    loaded!.items.push('mutated after load');
    expect(await store.load()).toEqual({ n: 1, items: ['a'] });
    await store.save({ n: 2, items: [] });
    expect(store.version).toBe(2);
  });
});

describe('JsonFileStateStore', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-state-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('returns undefined when nothing was saved, creates the directory on save', async () => {
    const path = join(dir, 'nested', 'deeper', 'state.json');
    const store = new JsonFileStateStore<S>(path, { now: () => 42 });
    expect(await store.load()).toBeUndefined();
    await store.save({ n: 1, items: ['x'] });
    const stored = JSON.parse(await readFile(path, 'utf8')) as StoredState<S>;
    expect(stored).toEqual({ version: 1, savedAt: 42, value: { n: 1, items: ['x'] } });
    expect(await new JsonFileStateStore<S>(path).load()).toEqual({ n: 1, items: ['x'] });
  });

  it('continues the version sequence across instances', async () => {
    const path = join(dir, 'state.json');
    await new JsonFileStateStore<S>(path).save({ n: 1, items: [] });
    await new JsonFileStateStore<S>(path).save({ n: 2, items: [] });
    const store = new JsonFileStateStore<S>(path);
    await store.load();
    await store.save({ n: 3, items: [] });
    expect((JSON.parse(await readFile(path, 'utf8')) as StoredState<S>).version).toBe(3);
  });

  it('a process that died mid-write (temp file left behind) leaves the real file intact', async () => {
    const path = join(dir, 'state.json');
    const store = new JsonFileStateStore<S>(path);
    await store.save({ n: 1, items: ['good'] });
    // What a crash between open and rename leaves: a half-written temp file next to the real one.
    await writeFile(join(dir, `.state.json.999.dead.tmp`), '{"version":2,"savedAt":0,"value":{"n":2,"ite');
    expect(await new JsonFileStateStore<S>(path).load()).toEqual({ n: 1, items: ['good'] });
    await store.save({ n: 2, items: ['next'] });
    expect(await new JsonFileStateStore<S>(path).load()).toEqual({ n: 2, items: ['next'] });
  });

  it('a failed write leaves the previous file intact and no temp file behind', async () => {
    const path = join(dir, 'state.json');
    const store = new JsonFileStateStore<unknown>(path);
    await store.save({ n: 1 });
    await expect(store.save({ bad: 1n })).rejects.toThrow(TypeError);
    expect(await store.load()).toEqual({ n: 1 });
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('concurrent saves do not interleave: the file is valid and holds the last save', async () => {
    const path = join(dir, 'state.json');
    const store = new JsonFileStateStore<S>(path);
    const big = (i: number): S => ({ n: i, items: Array.from({ length: 2_000 }, (_, j) => `${i}-${j}`) });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.save(big(i))));
    const stored = JSON.parse(await readFile(path, 'utf8')) as StoredState<S>;
    expect(stored.version).toBe(20);
    expect(stored.value).toEqual(big(19));
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a corrupt file is a StateError naming the path, and is moved aside, not overwritten', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, '{"version": 3, "value": {"n": ');
    const store = new JsonFileStateStore<S>(path, { now: () => 1234 });
    const err = await store.load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as StateError).message).toContain(path);
    expect((err as StateError).message).toContain(`${path}.corrupt-1234`);
    expect(await readFile(`${path}.corrupt-1234`, 'utf8')).toBe('{"version": 3, "value": {"n": ');
    // After the error the store starts fresh, and the corrupt copy survives the next save.
    expect(await store.load()).toBeUndefined();
    await store.save({ n: 1, items: [] });
    expect(await readFile(`${path}.corrupt-1234`, 'utf8')).toBe('{"version": 3, "value": {"n": ');
  });

  it('a file of the wrong shape, or rejected by parse, counts as corrupt', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, '[1,2,3]');
    await expect(new JsonFileStateStore<S>(path, { now: () => 1 }).load()).rejects.toThrow(/not a pooler-watch state file/);
    await writeFile(path, JSON.stringify({ version: 1, savedAt: 0, value: { n: 'nope' } }));
    const parse = (raw: unknown): S => {
      if (typeof (raw as S).n !== 'number') throw new Error('n must be a number');
      return raw as S;
    };
    await expect(new JsonFileStateStore<S>(path, { parse, now: () => 2 }).load()).rejects.toThrow(/n must be a number/);
    expect((await readdir(dir)).sort()).toEqual(['state.json.corrupt-1', 'state.json.corrupt-2']);
  });

  it('a save over a corrupt file it never loaded keeps the corrupt copy', async () => {
    const path = join(dir, 'state.json');
    await writeFile(path, 'garbage');
    await new JsonFileStateStore<S>(path, { now: () => 7 }).save({ n: 1, items: [] });
    expect(await readFile(`${path}.corrupt-7`, 'utf8')).toBe('garbage');
    expect(JSON.parse(await readFile(path, 'utf8'))).toMatchObject({ version: 1 });
  });

  it('an unreadable path is a StateError naming it', async () => {
    const err = await new JsonFileStateStore<S>(dir).load().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StateError);
    expect((err as Error).message).toBe(`cannot read state file ${dir} (EISDIR)`);
  });
});
