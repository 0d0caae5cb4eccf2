import type { IncomingMessage } from 'node:http';

/** How reading a request body ended. `bytes` is what arrived before it ended. */
export type BodyResult =
  | { kind: 'ok'; body: Buffer; bytes: number }
  | { kind: 'too-large'; bytes: number }
  | { kind: 'timeout'; bytes: number }
  | { kind: 'aborted'; bytes: number };

/**
 * Read a request body while it streams, holding at most `maxBytes` (plus the chunk that crossed it). Past the cap
 * or the deadline it stops reading at once: listeners go, the stream is paused, the caller answers and closes the
 * connection. Nothing beyond the cap is ever buffered.
 */
export function readBody(req: IncomingMessage, maxBytes: number, timeoutMs: number): Promise<BodyResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let settled = false;
    const finish = (result: BodyResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onAbort);
      req.off('close', onClose);
      if (result.kind !== 'ok') {
        req.pause();
        chunks.length = 0;
      }
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      bytes += chunk.length;
      if (bytes > maxBytes) finish({ kind: 'too-large', bytes });
      else chunks.push(chunk);
    };
    const onEnd = (): void => finish({ kind: 'ok', body: Buffer.concat(chunks, bytes), bytes });
    const onAbort = (): void => finish({ kind: 'aborted', bytes });
    const onClose = (): void => {
      if (!req.complete) finish({ kind: 'aborted', bytes });
    };
    const timer = setTimeout(() => finish({ kind: 'timeout', bytes }), timeoutMs);
    timer.unref();
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onAbort);
    req.on('close', onClose);
  });
}
