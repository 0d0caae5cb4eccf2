/**
 * One error family for the whole app. Every subclass carries an optional `cause` (ES2022) so the
 * original error survives for debugging, while `message` is the part safe to show: it must never
 * contain a secret, a response body or a URL with credentials.
 */
export class AppError extends Error {
  override name = 'AppError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Invalid configuration or an unresolvable secret reference: fail fast at start-up. */
export class ConfigError extends AppError {
  override name = 'ConfigError';
}

/**
 * Invalid input from outside (webhook payloads, CLI input). `issues` are human-readable paths + problems,
 * `status` is the HTTP status the error middleware should answer with (400 by default).
 */
export class ValidationError extends AppError {
  override name = 'ValidationError';
  readonly issues: readonly string[];
  readonly status: 400 | 401 | 413;
  constructor(message: string, options?: { cause?: unknown; issues?: readonly string[]; status?: 400 | 401 | 413 }) {
    super(message, options);
    this.issues = options?.issues ?? [];
    this.status = options?.status ?? 400;
  }
}

/** A probe (scrape, synthetic check) could not run. Scrapes turn failures into findings instead. */
export class ProbeError extends AppError {
  override name = 'ProbeError';
}

/** Persisted state could not be read or written (corrupt file, permissions). */
export class StateError extends AppError {
  override name = 'StateError';
  constructor(
    message: string,
    readonly path: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Details of a failed delivery, as classified in one place (2xx ok; 5xx/408/network retry; other 4xx fail). */
export interface ChannelErrorDetails {
  /** Channel id, e.g. `slack`, `pagerduty`. */
  channel: string;
  /** HTTP status if the vendor answered; undefined for network errors and timeouts. */
  status?: number;
  /** Short, secret-free reason, e.g. `HTTP 429`, `timeout`, `ECONNRESET`. */
  reason: string;
  retryable: boolean;
  /** Milliseconds the vendor asked us to wait (Retry-After), if any. */
  retryAfterMs?: number;
}

/**
 * A channel send failed. A raw axios error never leaves a channel: it becomes this, with the URL
 * redacted (the raw error may still be attached as `cause`, which is never logged verbatim).
 */
export class ChannelError extends AppError {
  override name = 'ChannelError';
  readonly channel: string;
  readonly status: number | undefined;
  readonly reason: string;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  constructor(details: ChannelErrorDetails, options?: { cause?: unknown }) {
    const code = details.status === undefined ? '' : ` (${details.status})`;
    super(`${details.channel}: ${details.reason}${code}`, options);
    this.channel = details.channel;
    this.status = details.status;
    this.reason = details.reason;
    this.retryable = details.retryable;
    this.retryAfterMs = details.retryAfterMs;
  }
}
