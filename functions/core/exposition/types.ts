/** Metric type as declared by `# TYPE`; series without a TYPE line are `untyped` (text) / `unknown` (OpenMetrics). */
export type MetricType =
  | 'counter'
  | 'gauge'
  | 'histogram'
  | 'gaugehistogram'
  | 'summary'
  | 'info'
  | 'stateset'
  | 'untyped'
  | 'unknown';

export type ExpositionFormat = 'text' | 'openmetrics';

export interface Exemplar {
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
}

/** One sample line. `value` may be NaN or ±Infinity. `timestamp` is milliseconds since the epoch. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
  timestamp?: number;
  exemplar?: Exemplar;
}

/** A metric family: every sample of one metric (for histograms: `_bucket`, `_sum`, `_count`, `_created`). */
export interface MetricFamily {
  name: string;
  type: MetricType;
  help?: string;
  unit?: string;
  samples: Sample[];
}

/** Invalid exposition. `line` and `column` are 1-based, like promtool. */
export class ParseError extends Error {
  override readonly name = 'ParseError';
  constructor(
    message: string,
    readonly line: number,
    readonly column: number,
  ) {
    super(`${line}:${column}: ${message}`);
  }
}
