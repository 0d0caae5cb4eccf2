import type { HistogramState } from './histogram.ts';

/** One output line before formatting: full sample name (with `_bucket` etc.), labels, value. */
export interface SimSample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** One metric family as the app would expose it. */
export interface SimFamily {
  name: string;
  type: 'counter' | 'gauge' | 'histogram';
  help: string;
  samples: SimSample[];
}

export function gauge(name: string, help: string, value: number, labels: Record<string, string> = {}): SimFamily {
  return { name, type: 'gauge', help, samples: [{ name, labels, value }] };
}

/** Counters are floats inside the model; exposed as whole events, so they stay monotonic. */
export function counterSamples<T>(
  name: string,
  defs: readonly T[],
  values: ArrayLike<number>,
  labelsOf: (def: T) => Record<string, string>,
): SimSample[] {
  return defs.map((def, i) => ({ name, labels: labelsOf(def), value: Math.floor(values[i] ?? 0) }));
}

/** `_bucket` lines (cumulative, `le` last), then `_sum` and `_count`. */
export function histogramSamples(
  name: string,
  bounds: readonly number[],
  h: HistogramState,
  labels: Record<string, string>,
): SimSample[] {
  const out: SimSample[] = [];
  let running = 0;
  for (let i = 0; i <= bounds.length; i++) {
    // Running max guards the floor against float dust between adjacent buckets.
    running = Math.max(running, Math.floor(h.cumulative[i] ?? 0));
    const le = i < bounds.length ? String(bounds[i]) : '+Inf';
    out.push({ name: `${name}_bucket`, labels: { ...labels, le }, value: running });
  }
  out.push({ name: `${name}_sum`, labels, value: h.sum });
  out.push({ name: `${name}_count`, labels, value: running });
  return out;
}
