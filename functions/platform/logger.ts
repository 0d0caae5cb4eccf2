import { isSensitiveKey } from '../core/sanitize/index.ts';
import { REDACTED, redactText } from './redact.ts';
import { Secret } from './secrets.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

const MAX_DEPTH = 8;

export type LogFields = Record<string, unknown>;

/** Structured logger: one JSON line per event, `{ts, level, msg, ...fields}`, secrets redacted. */
export interface Logger {
  debug(msg: string, fields?: LogFields): void;
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, fields?: LogFields): void;
  /** A logger that adds `fields` to every line (call-site fields win on conflict). */
  child(fields: LogFields): Logger;
}

/** Anything lines can be written to: a node Writable, `process.stderr`, a test sink. */
export interface LogSink {
  write(line: string): unknown;
}

/** Options of {@link createLogger}. */
export interface LoggerOptions {
  /** Where lines go; default `process.stderr` so stdout stays free for command output. */
  stream?: LogSink;
  /** Minimum level written; default `info`. */
  level?: LogLevel;
  /** Clock for `ts` (ms since epoch); default `Date.now`. */
  now?: () => number;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const stream = options.stream ?? process.stderr;
  const min = RANK[options.level ?? 'info'];
  const now = options.now ?? Date.now;
  const make = (base: LogFields): Logger => {
    const write = (level: LogLevel, msg: string, fields?: LogFields): void => {
      if (RANK[level] < min) return;
      const merged = { ...base, ...fields };
      // ts/level/msg first and never overridable by a field, so every line parses the same way.
      const { ts: _ts, level: _level, msg: _msg, ...rest } = merged;
      const line = {
        ts: new Date(now()).toISOString(),
        level,
        msg: redactText(msg),
        ...(clean(rest, 0, new WeakSet()) as LogFields),
      };
      stream.write(`${JSON.stringify(line)}\n`);
    };
    return {
      debug: (msg, fields) => write('debug', msg, fields),
      info: (msg, fields) => write('info', msg, fields),
      warn: (msg, fields) => write('warn', msg, fields),
      error: (msg, fields) => write('error', msg, fields),
      child: (fields) => make({ ...base, ...fields }),
    };
  };
  return make({});
}

/** Turn any value into redacted, JSON-safe data (no throw on cycles, BigInt or exotic objects). */
function clean(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (value instanceof Secret) return '<secret>';
  if (typeof value === 'string') return redactText(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : String(value);
  if (typeof value === 'boolean' || value === null || value === undefined) return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value !== 'object') return `[${typeof value}]`;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[truncated]';
  seen.add(value);
  try {
    if (value instanceof Error) return errorFields(value, depth, seen);
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1, seen));
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      // Credential-named fields (the core's one list, as Sanitizer.deep uses): redacted whatever their value's type.
      out[redactText(k)] = isSensitiveKey(k) && v !== undefined && v !== null ? REDACTED : clean(v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

// Name and message only: stacks and raw causes (e.g. an axios error holding request headers) stay out.
function errorFields(err: Error, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { name: err.name, message: redactText(err.message) };
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string') out.code = code;
  if (err.cause !== undefined) out.cause = err.cause instanceof Error ? clean(err.cause, depth + 1, seen) : '[cause]';
  return out;
}
