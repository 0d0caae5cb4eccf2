const BARS = '▁▂▃▄▅▆▇█';

/**
 * A unicode sparkline of `values`, scaled to [min, ceiling] — pass the memory limit as `ceiling` so a
 * working set that nears the limit reads as a full bar. At most `width` characters (values are bucketed).
 */
export function sparkline(values: number[], opts: { width?: number; floor?: number; ceiling?: number } = {}): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return '';
  const width = opts.width ?? 30;
  const step = Math.max(1, Math.ceil(finite.length / width));
  const points: number[] = [];
  for (let i = 0; i < finite.length; i += step) {
    const bucket = finite.slice(i, i + step);
    points.push(Math.max(...bucket));
  }
  const lo = opts.floor ?? Math.min(...points);
  const hi = Math.max(opts.ceiling ?? -Infinity, ...points);
  const span = hi - lo;
  return points
    .map((v) => (span <= 0 ? BARS[0] : BARS[Math.min(BARS.length - 1, Math.max(0, Math.round(((v - lo) / span) * (BARS.length - 1))))]))
    .join('');
}
