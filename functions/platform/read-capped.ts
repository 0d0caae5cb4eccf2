import type { Readable } from 'node:stream';

export type CappedBody = { ok: true; body: Buffer; bytes: number } | { ok: false; bytes: number };

/**
 * Read a stream into memory, but stop and destroy it as soon as more than `maxBytes` arrived, so an
 * oversized body (or a gzip bomb, when `stream` is the decompressed side) is never fully downloaded.
 * `onBytes` sees the running total, so a caller still knows how much arrived when the stream errors.
 */
export async function readCapped(stream: Readable, maxBytes: number, onBytes?: (total: number) => void): Promise<CappedBody> {
  const chunks: Buffer[] = [];
  let bytes = 0;
  for await (const chunk of stream) {
    const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string);
    bytes += buf.length;
    onBytes?.(bytes);
    if (bytes > maxBytes) {
      stream.destroy();
      return { ok: false, bytes };
    }
    chunks.push(buf);
  }
  return { ok: true, body: Buffer.concat(chunks), bytes };
}
