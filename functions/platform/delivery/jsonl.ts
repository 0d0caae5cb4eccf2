import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type * as z from 'zod';
import { syncDir } from '../atomic-file.ts';
import { StateError } from '../errors.ts';

/** A line that could not be read back, by 1-based line number; the reason never quotes the line. */
export interface BadLine {
  line: number;
  error: string;
  /** The raw text, so a rewrite can set it aside instead of dropping it. */
  text: string;
}

/** Good lines (with their line number) and bad ones: one bad line never costs a good one. */
export interface JsonlRead<T> {
  records: Array<{ line: number; value: T }>;
  bad: BadLine[];
}

/** Parses JSON Lines with a (lenient) zod schema; blank lines are skipped. */
export function parseJsonl<S extends z.ZodType>(text: string, schema: S): JsonlRead<z.output<S>> {
  const out: JsonlRead<z.output<S>> = { records: [], bad: [] };
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === '') return;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch {
      out.bad.push({ line, error: `line ${line}: not valid JSON`, text: raw });
      return;
    }
    const parsed = schema.safeParse(json);
    if (parsed.success) out.records.push({ line, value: parsed.data });
    else {
      const why = parsed.error.issues.map((is) => `${is.path.join('.') || '(root)'}: ${is.message}`).join('; ');
      out.bad.push({ line, error: `line ${line}: ${why.slice(0, 300)}`, text: raw });
    }
  });
  return out;
}

/** Reads a JSONL file; a missing file reads as empty. */
export async function readJsonlFile<S extends z.ZodType>(path: string, schema: S): Promise<JsonlRead<z.output<S>>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { records: [], bad: [] };
    throw new StateError(`cannot read ${path} (${code ?? 'error'})`, path, { cause: err });
  }
  return parseJsonl(text, schema);
}

/**
 * Appends lines and fsyncs before returning, so a caller may acknowledge what it appended. If a previous
 * writer died mid-line (no trailing newline), a newline is written first so the torn line stays alone.
 * Callers serialise appends with rewrites through a file lock (an append racing a rename would be lost).
 */
export async function appendDurable(path: string, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  const appender = await openAppender(path);
  try {
    await appender.append(lines);
  } finally {
    await appender.close();
  }
}

/** An open JSONL file for a run of durable appends (one write and one fsync each), under the caller's lock. */
export interface Appender {
  append(lines: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens `path` for appending. If a writer died mid-line (no trailing newline), the first append starts with a
 * newline so the torn line stays alone. Keeping it open across a burst saves an open/stat/close per batch.
 * A failed append (ENOSPC, EIO… possibly after part of it reached the file) rejects and is taken back (the file is
 * truncated to where it ended, which is safe under the caller's lock); should that fail too, the next append looks
 * at the file's end again, so it starts on a line of its own rather than glued to the half-written one.
 */
export async function openAppender(path: string): Promise<Appender> {
  const dir = dirname(path);
  const fail = (cause: unknown): never => {
    if (cause instanceof StateError) throw cause;
    throw new StateError(`cannot append to ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, path, { cause });
  };
  try {
    await mkdir(dir, { recursive: true });
    const fh = await open(path, 'a+', 0o600);
    /** The file's size and whether its last byte is a newline; undefined once a write failed (unknown). */
    let end: { size: number; prefix: string } | undefined;
    const inspect = async (): Promise<{ size: number; prefix: string }> => {
      const size = (await fh.stat()).size;
      if (size === 0) return { size, prefix: '' };
      const last = Buffer.alloc(1);
      await fh.read(last, 0, 1, size - 1);
      return { size, prefix: last[0] === 0x0a ? '' : '\n' };
    };
    try {
      end = await inspect();
    } catch (err) {
      await fh.close();
      throw err;
    }
    return {
      async append(lines) {
        if (lines.length === 0) return;
        let at: { size: number; prefix: string } | undefined;
        try {
          at = end ?? (await inspect());
          end = undefined; // until this write is known to be whole
          const text = at.prefix + lines.map((l) => `${l}\n`).join('');
          await fh.appendFile(text, 'utf8');
          await fh.sync();
          if (at.size === 0) await syncDir(dir);
          end = { size: at.size + Buffer.byteLength(text), prefix: '' };
        } catch (err) {
          // Its callers are told it failed: take back whatever part of it landed, so the file ends where it did. If
          // even that fails, the next append looks at the end again and starts on a line of its own.
          const before = at;
          if (before) end = await fh.truncate(before.size).then(() => fh.sync()).then(() => before, () => undefined);
          fail(err);
        }
      },
      close: () => fh.close(),
    };
  } catch (cause) {
    return fail(cause);
  }
}

export { writeFileAtomic } from '../atomic-file.ts';
