import { parseArgs } from 'node:util';
import type { ExpositionFormat } from '../core/exposition/index.ts';
import { ParseError, familiesToJson, parseExposition } from '../core/exposition/index.ts';

/** Streams `pooler-watch parse` reads from and writes to; `process` in production, PassThroughs in tests. */
export interface ParseCommandIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** Larger bodies are refused rather than buffered: no real /metrics or /federate answer comes close. */
const MAX_INPUT_BYTES = 64 * 1024 * 1024;

const USAGE = `usage: pooler-watch parse [--format text|openmetrics]

Reads a Prometheus text 0.0.4 (default) or OpenMetrics 1.0 exposition on stdin and prints its metric
families as JSON. Invalid input exits 1 with "line:column: message" on stderr.
`;

function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  // Wait for the flush: the caller may exit the process right after we return.
  return new Promise((resolve, reject) => {
    stream.write(text, (error) => (error ? reject(error) : resolve()));
  });
}

/** Whole stdin, or `undefined` when it exceeds `MAX_INPUT_BYTES` (reading stops there). */
async function readAll(stdin: NodeJS.ReadableStream): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of stdin) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : Buffer.from(chunk as Uint8Array);
    total += bytes.length;
    if (total > MAX_INPUT_BYTES) return undefined;
    chunks.push(bytes);
  }
  return Buffer.concat(chunks, total);
}

function parseFlags(args: string[]): ExpositionFormat | 'help' | undefined {
  try {
    const { values } = parseArgs({
      args,
      options: { format: { type: 'string', short: 'f' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: false,
      strict: true,
    });
    if (values.help === true) return 'help';
    const format = values.format ?? 'text';
    return format === 'text' || format === 'openmetrics' ? format : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `pooler-watch parse [--format text|openmetrics]`: stdin exposition → stdout JSON (design.md format,
 * 2-space indent). Exit codes: 0 parsed, 1 invalid or oversized input, 2 bad flags.
 */
export async function runParse(args: string[], io: ParseCommandIo): Promise<number> {
  const format = parseFlags(args);
  if (format === 'help') {
    await write(io.stdout, USAGE);
    return 0;
  }
  if (format === undefined) {
    await write(io.stderr, USAGE);
    return 2;
  }
  const bytes = await readAll(io.stdin);
  if (bytes === undefined) {
    await write(io.stderr, `input exceeds ${MAX_INPUT_BYTES / 1024 / 1024} MiB\n`);
    return 1;
  }
  let text: string;
  try {
    // Strict like Prometheus: invalid UTF-8 is an error, and a byte-order mark is not silently dropped.
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    await write(io.stderr, 'input is not valid UTF-8\n');
    return 1;
  }
  try {
    const families = parseExposition(text, format);
    await write(io.stdout, `${JSON.stringify(familiesToJson(families), null, 2)}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ParseError)) throw error;
    // ParseError's message is already `line:column: message`.
    await write(io.stderr, `${error.message}\n`);
    return 1;
  }
}
