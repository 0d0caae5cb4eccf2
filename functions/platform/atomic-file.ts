import { randomUUID } from 'node:crypto';
import { mkdir, open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { StateError } from './errors.ts';

/** Replaces a file atomically (temp file, fsync, rename, fsync dir), so a process dying mid-write leaves the old or the new content, never a mix. */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${randomUUID()}.tmp`);
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(content, 'utf8');
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (cause) {
    await unlink(tmp).catch(() => undefined);
    throw new StateError(`cannot write ${path} (${(cause as NodeJS.ErrnoException).code ?? 'error'})`, path, { cause });
  }
  await syncDir(dir);
}

/** Makes a rename or a new file's directory entry durable; best effort where a directory cannot be opened. */
export async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  } catch {
    // best effort (Windows cannot open a directory)
  }
}
