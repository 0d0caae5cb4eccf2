/*
 * Status classification, shared by every channel. Kept apart from `http.ts` (which imports axios) so a channel
 * file that only classifies — and every function that only validates channel config — does not pull in axios.
 */

export type Classification = 'ok' | 'retry' | 'fail';

/**
 * The one place retry classification lives (design.md): 2xx ok; 5xx, 408 and 429 retry; every other status
 * fails for good (a 400 will not get better by sending it again).
 */
export function classifyStatus(status: number, retryStatuses: readonly number[] = []): Classification {
  if (status >= 200 && status < 300) return 'ok';
  if (status >= 500 || status === 408 || status === 429 || retryStatuses.includes(status)) return 'retry';
  return 'fail';
}

/** Retry-After as milliseconds: delta-seconds or an HTTP date; capped at one hour so a vendor cannot park us. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  const ms = /^\d+(\.\d+)?$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), 3_600_000);
}
