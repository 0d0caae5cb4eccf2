/**
 * Exponential backoff with full jitter: a random wait below `min(capMs, baseMs * 2^(n-1))` before the nth retry, so
 * callers that failed together do not retry in lockstep. Delivery retries and DynamoDB state conflicts both use it.
 */
export function jitteredBackoff(n: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  return random() * Math.min(capMs, baseMs * 2 ** (n - 1));
}
