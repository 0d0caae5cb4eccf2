import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { z } from 'zod';
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
  const dir = dirname(path);
  try {
    if (!knownDirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      knownDirs.add(dir);
    }
    const fh = await open(path, 'a+', 0o600).catch(async (err: NodeJS.ErrnoException) => {
      if (err.code !== 'ENOENT') throw err;
      // The directory went away since we made it (a cleanup): make it again.
      await mkdir(dir, { recursive: true });
      return open(path, 'a+', 0o600);
    });
    try {
      // Our own appends always end with a newline; only a file we have not written since it was opened in this
      // process (a crash, another writer) needs its last byte checked.
      const clean = cleanTails.get(path);
      const { size } = await fh.stat();
      let prefix = '';
      if (size > 0 && clean !== size) {
        const last = Buffer.alloc(1);
        await fh.read(last, 0, 1, size - 1);
        if (last[0] !== 0x0a) prefix = '\n';
      }
      const text = prefix + lines.map((l) => `${l}\n`).join('');
      await fh.appendFile(text, 'utf8');
      await fh.sync();
      cleanTails.set(path, size + Buffer.byteLength(text));
      if (size === 0) await syncDir(dir);
    } finally {
      await fh.close();
    }
  } catch (cause) {
    cleanTails.delete(path);
    if (cause instanceof StateError) throw cause;
    throw new StateError(`cannot append to ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, path, { cause });
  }
}

const knownDirs = new Set<string>();
/** Size of each file right after our last append: if it is still that size, its tail is a newline we wrote. */
const cleanTails = new Map<string, number>();

export { writeFileAtomic } from '../atomic-file.ts';
