import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';

const gzipAsync = promisify(gzip);
const gunzipAsync = promisify(gunzip);

/** A value as stored: gzip-compressed JSON, its digest and uncompressed size. */
export interface EncodedState {
  data: Buffer;
  /** sha256 (hex) of `data`: readers verify a reassembled chunk set against the head with it. */
  sha256: string;
  /** Byte length of the uncompressed JSON; bounds the decompression on read. */
  bytes: number;
}

export const sha256Hex = (data: Uint8Array): string => createHash('sha256').update(data).digest('hex');

/** JSON then gzip (the probe's history windows are highly repetitive: typically 10-20x smaller). */
export async function encodeState(value: unknown): Promise<EncodedState> {
  const json = Buffer.from(JSON.stringify(value), 'utf8');
  const data = await gzipAsync(json);
  return { data, sha256: sha256Hex(data), bytes: json.length };
}

/** Inverse of {@link encodeState}; throws on a digest mismatch, a gzip error or invalid JSON. */
export async function decodeState(data: Uint8Array, expected: { sha256: string; bytes: number }): Promise<unknown> {
  if (sha256Hex(data) !== expected.sha256) throw new Error('payload digest does not match the head item');
  const json = await gunzipAsync(data, { maxOutputLength: Math.max(1, expected.bytes) });
  if (json.length !== expected.bytes) throw new Error(`payload is ${json.length} bytes, head says ${expected.bytes}`);
  return JSON.parse(json.toString('utf8')) as unknown;
}

/** `data` cut into pieces of at most `size` bytes (views, no copies). */
export function splitChunks(data: Buffer, size: number): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size) out.push(data.subarray(offset, offset + size));
  return out;
}
