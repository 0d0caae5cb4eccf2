/** One line of input: its text, or only the fact that it was over the cap (its bytes were never kept). */
export type CappedLine = { lineNo: number; text: string } | { lineNo: number; tooLong: true };

export interface CappedLinesOptions {
  /** A longer line is reported as `tooLong` and its bytes dropped as they arrive. */
  maxLineBytes: number;
  /** Reading stops past this many bytes; the line in progress at the cut is not reported. */
  maxTotalBytes: number;
}

export interface CappedLinesResult {
  bytes: number;
  /** The input went on past `maxTotalBytes`. */
  truncated: boolean;
}

const decoder = new TextDecoder('utf-8');

/**
 * Calls `onLine` for each `\n`-terminated line of `input` (a final line without one included), in order and one at
 * a time, holding at most one line (≤ `maxLineBytes`) in memory: unlike `readline`, a 1 GB line without a newline
 * costs nothing. Invalid UTF-8 becomes U+FFFD (the parser decides what the line is worth).
 */
export async function forEachCappedLine(
  input: AsyncIterable<Buffer | string>,
  options: CappedLinesOptions,
  onLine: (line: CappedLine) => void | Promise<void>,
): Promise<CappedLinesResult> {
  let parts: Buffer[] = [];
  let partBytes = 0;
  let tooLong = false;
  let lineNo = 0;
  let bytes = 0;
  let truncated = false;

  const emit = async () => {
    lineNo++;
    const line: CappedLine = tooLong ? { lineNo, tooLong: true } : { lineNo, text: decoder.decode(parts.length === 1 ? parts[0] : Buffer.concat(parts, partBytes)) };
    parts = [];
    partBytes = 0;
    tooLong = false;
    await onLine(line);
  };

  for await (const chunk of input) {
    let buf = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
    if (bytes + buf.length > options.maxTotalBytes) {
      buf = buf.subarray(0, options.maxTotalBytes - bytes);
      truncated = true;
    }
    bytes += buf.length;
    let start = 0;
    while (start < buf.length) {
      const nl = buf.indexOf(0x0a, start);
      const piece = buf.subarray(start, nl === -1 ? buf.length : nl);
      if (!tooLong) {
        if (partBytes + piece.length > options.maxLineBytes) {
          tooLong = true;
          parts = [];
          partBytes = 0;
        } else if (piece.length > 0) {
          // A copy: the chunk itself must not stay alive for as long as a short line does.
          parts.push(Buffer.from(piece));
          partBytes += piece.length;
        }
      }
      if (nl === -1) break;
      await emit();
      start = nl + 1;
    }
    if (truncated) break;
  }
  if (!truncated && (partBytes > 0 || tooLong)) await emit();
  return { bytes, truncated };
}
