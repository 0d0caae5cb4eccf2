/**
 * Deterministic histogram accumulation: `n` observations drawn from a log-normal are spread over the
 * buckets by its CDF, so bucket counts are smooth and need no per-observation randomness.
 */

/** Cumulative bucket counts (one per bound, then +Inf), sum and count. Floats; rendered floored. */
export interface HistogramState {
  cumulative: Float64Array;
  sum: number;
  /** One-entry cache of the bucket shares: a healthy pod asks for the same shape every step. */
  shape: { median: number; sigma: number; shares: Float64Array; mean: number } | undefined;
}

export function createHistogram(bounds: readonly number[]): HistogramState {
  return { cumulative: new Float64Array(bounds.length + 1), sum: 0, shape: undefined };
}

export function resetHistogram(h: HistogramState): void {
  h.cumulative.fill(0);
  h.sum = 0;
}

/** Adds `n` observations with the given log-normal median and sigma. */
export function observeLogNormal(
  h: HistogramState,
  bounds: readonly number[],
  n: number,
  median: number,
  sigma: number,
): void {
  if (n <= 0) return;
  let shape = h.shape;
  if (shape === undefined || shape.median !== median || shape.sigma !== sigma) {
    const mu = Math.log(median);
    const shares = new Float64Array(bounds.length);
    for (let i = 0; i < bounds.length; i++) shares[i] = normalCdf((Math.log(bounds[i]!) - mu) / sigma);
    shape = { median, sigma, shares, mean: median * Math.exp((sigma * sigma) / 2) };
    h.shape = shape;
  }
  for (let i = 0; i < bounds.length; i++) h.cumulative[i]! += n * shape.shares[i]!;
  h.cumulative[bounds.length]! += n;
  h.sum += n * shape.mean;
}

/** Standard normal CDF via Abramowitz–Stegun 7.1.26 (error < 1.5e-7, plenty for bucket shares). */
export function normalCdf(z: number): number {
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-x * x);
  return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
}
