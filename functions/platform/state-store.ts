import { readFile, rename } from 'node:fs/promises';
import { writeFileAtomic } from './atomic-file.ts';
import { ConfigError, StateError } from './errors.ts';

/** Port for persisted state (alert states, dedup marks). Adapters: memory, JSON file, later DynamoDB. */
export interface StateStore<T> {
  /** The last saved value, or undefined if nothing was saved yet. */
  load(): Promise<T | undefined>;
  save(value: T): Promise<void>;
}

/**
 * What adapters persist: the value plus a version that increases by one per save. A store with
 * conditional writes (DynamoDB `version = :expected`) uses it to detect a concurrent writer.
 */
export interface StoredState<T> {
  version: number;
  /** ms since epoch of the save. */
  savedAt: number;
  value: T;
}

/** In-memory store for tests and one-shot runs. Values are deep-copied so callers cannot mutate what was saved. */
export class MemoryStateStore<T> implements StateStore<T> {
  #stored: StoredState<T> | undefined;

  constructor(initial?: T) {
    if (initial !== undefined) this.#stored = { version: 1, savedAt: 0, value: structuredClone(initial) };
  }

  get version(): number {
    return this.#stored?.version ?? 0;
  }

  async load(): Promise<T | undefined> {
    return this.#stored === undefined ? undefined : structuredClone(this.#stored.value);
  }

  async save(value: T): Promise<void> {
    this.#stored = { version: this.version + 1, savedAt: Date.now(), value: structuredClone(value) };
  }
}

/** Options of {@link JsonFileStateStore}. */
export interface JsonFileStateStoreOptions<T> {
  /**
   * Validate/shape what was read (e.g. a zod schema's `parse`, or a migration); a throw counts as a corrupt file.
   * A ConfigError refuses the file instead: it is thrown as is and the file stays where it is (e.g. a format this
   * version does not know, which moving aside would silently lose). A save never overwrites a refused file.
   */
  parse?: (raw: unknown) => T;
  /** Clock for `savedAt` and the `.corrupt-<ts>` suffix; default `Date.now`. */
  now?: () => number;
}

/**
 * State in one JSON file, written atomically: temp file in the same directory, fsync, rename, fsync
 * the directory. A process dying mid-write leaves at worst a stray temp file; the real file is either
 * the old or the new content. Saves from one instance are serialised so they never interleave.
 */
export class JsonFileStateStore<T> implements StateStore<T> {
  readonly path: string;
  readonly #parse: (raw: unknown) => T;
  readonly #now: () => number;
  #version: number | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, options: JsonFileStateStoreOptions<T> = {}) {
    this.path = path;
    this.#parse = options.parse ?? ((raw) => raw as T);
    this.#now = options.now ?? Date.now;
  }

  /**
   * Load; a corrupt file is moved aside to `<path>.corrupt-<ts>` and reported as a StateError naming both paths.
   * A ConfigError from `parse` (a refused file) propagates and the file stays in place.
   */
  load(): Promise<T | undefined> {
    return this.#serial(async () => (await this.#read())?.value);
  }

  save(value: T): Promise<void> {
    return this.#serial(async () => {
      if (this.#version === undefined) {
        // First save without a load: continue the file's version sequence; a corrupt file is set aside, not overwritten.
        this.#version = await this.#read().then(
          (s) => s?.version ?? 0,
          (err: unknown) => {
            if (err instanceof ConfigError) throw err;
            return 0;
          },
        );
      }
      const stored: StoredState<T> = { version: this.#version + 1, savedAt: this.#now(), value };
      await writeFileAtomic(this.path, `${JSON.stringify(stored, null, 2)}\n`);
      this.#version = stored.version;
    });
  }

  #serial<R>(fn: () => Promise<R>): Promise<R> {
    const run = this.#queue.then(fn, fn);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #read(): Promise<StoredState<T> | undefined> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (cause) {
      const code = (cause as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return undefined;
      throw new StateError(`cannot read state file ${this.path} (${code ?? 'error'})`, this.path, { cause });
    }
    try {
      const raw = JSON.parse(text) as unknown;
      if (typeof raw !== 'object' || raw === null || !('version' in raw) || !('value' in raw)) {
        throw new Error('not a pooler-watch state file (expected {version, savedAt, value})');
      }
      const { version, savedAt } = raw as { version: unknown; savedAt?: unknown };
      if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) throw new Error('invalid version');
      const stored: StoredState<T> = {
        version,
        savedAt: typeof savedAt === 'number' ? savedAt : 0,
        value: this.#parse((raw as { value: unknown }).value),
      };
      this.#version = version;
      return stored;
    } catch (cause) {
      if (cause instanceof ConfigError) throw cause;
      const why = cause instanceof Error ? cause.message.slice(0, 200) : 'invalid content';
      const aside = `${this.path}.corrupt-${this.#now()}`;
      try {
        await rename(this.path, aside);
      } catch {
        throw new StateError(`state file ${this.path} is corrupt (${why}) and could not be moved aside`, this.path, { cause });
      }
      this.#version = 0;
      throw new StateError(`state file ${this.path} is corrupt (${why}); moved aside to ${aside}`, this.path, { cause });
    }
  }
}
