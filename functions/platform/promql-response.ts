import * as z from 'zod';
import type { MetricFamily, Sample } from '../core/exposition/types.ts';

/**
 * The Prometheus HTTP API's instant-query response (https://prometheus.io/docs/prometheus/latest/querying/api/#instant-queries),
 * parsed leniently: unknown fields (warnings, infos, stats) are tolerated, what we read is checked. Nothing of the body
 * ever reaches a failure's text: only counts, positions, a result type and a vetted errorType.
 */
const Envelope = z.looseObject({
  status: z.enum(['success', 'error']),
  errorType: z.unknown().optional(),
  data: z.unknown().optional(),
});
const Data = z.looseObject({ resultType: z.string().max(32), result: z.unknown() });

export type PromqlParsed =
  | { ok: true; resultType: 'vector' | 'scalar'; samples: Sample[]; skipped: number }
  | { ok: false; reason: 'query-error' | 'parse-error' | 'too-large'; detail: string; errorType?: string };

const bad = (detail: string): PromqlParsed => ({ ok: false, reason: 'parse-error', detail });

/** Prometheus' errorType values are short snake_case words; anything else is not echoed. */
function vetErrorType(v: unknown): string {
  return typeof v === 'string' && /^[a-z][a-z_]{0,31}$/.test(v) ? v : 'unknown';
}

/**
 * Parses one response body. `maxSeries` bounds what one answer may add (the byte cap bounds the body, this the
 * work per series). Series without `__name__` (the result of an aggregation or a function) cannot be mapped to what
 * the heuristics read and are skipped and counted; so are native-histogram samples (`histogram` instead of `value`).
 */
export function parsePromqlResponse(body: string, maxSeries: number): PromqlParsed {
  let raw: unknown;
  try {
    raw = JSON.parse(body);
  } catch {
    return bad('the response is not JSON');
  }
  const env = Envelope.safeParse(raw);
  if (!env.success) return bad('the response is not a Prometheus API envelope (status success|error)');
  if (env.data.status === 'error') {
    const errorType = vetErrorType(env.data.errorType);
    return { ok: false, reason: 'query-error', detail: `Prometheus answered status error (${errorType})`, errorType };
  }
  const data = Data.safeParse(env.data.data);
  if (!data.success) return bad('the response has no data.resultType and data.result');
  const { resultType, result } = data.data;
  // A scalar has no series identity: there is nothing a heuristic could read from it.
  if (resultType === 'scalar') return { ok: true, resultType, samples: [], skipped: 0 };
  if (resultType !== 'vector') {
    const shown = ['matrix', 'string'].includes(resultType) ? resultType : 'unknown';
    return { ok: false, reason: 'query-error', detail: `the query returned a ${shown} result, not an instant vector (use instant vector selectors)` };
  }
  if (!Array.isArray(result)) return bad('data.result of a vector is not an array');
  if (result.length > maxSeries) return { ok: false, reason: 'too-large', detail: `the query returned ${result.length} series, more than the ${maxSeries} allowed` };
  const samples: Sample[] = [];
  let skipped = 0;
  for (let i = 0; i < result.length; i++) {
    const s = vectorSample(result[i]);
    if (typeof s === 'string') return bad(`series ${i + 1}: ${s}`);
    if (s === undefined) skipped++;
    else samples.push(s);
  }
  return { ok: true, resultType, samples, skipped };
}

// Per-series checks by hand rather than a zod schema per element: a vector may hold a hundred thousand of them.
function vectorSample(item: unknown): Sample | undefined | string {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'not an object';
  const { metric, value, histogram } = item as { metric?: unknown; value?: unknown; histogram?: unknown };
  if (typeof metric !== 'object' || metric === null || Array.isArray(metric)) return 'metric is not an object';
  if (value === undefined && histogram !== undefined) return undefined;
  if (!Array.isArray(value) || value.length !== 2) return 'value is not a [time, "number"] pair';
  const v = sampleValue(value[1]);
  if (v === undefined) return 'value is not a number';
  let name: string | undefined;
  const labels: Record<string, string> = {};
  for (const key of Object.keys(metric)) {
    const lv = (metric as Record<string, unknown>)[key];
    if (typeof lv !== 'string') return 'a label value is not a string';
    if (key === '__name__') name = lv;
    // JSON.parse makes `__proto__` an own key; a plain assignment would set the prototype instead.
    else if (key === '__proto__') Object.defineProperty(labels, key, { value: lv, enumerable: true, writable: true, configurable: true });
    else labels[key] = lv;
  }
  if (name === undefined || name === '') return undefined;
  return { name, labels, value: v };
}

/** Prometheus writes sample values as strings: Go floats, `NaN`, `+Inf`, `-Inf`. */
function sampleValue(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string' || v.length > 64) return undefined;
  if (v === 'NaN') return NaN;
  if (v === '+Inf' || v === 'Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  if (!/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(v)) return undefined;
  return Number(v);
}

/**
 * Samples as families, one per name in first-seen order, `untyped` like /federate's (History decides what is a
 * counter by name, so resets of `kube_pod_container_status_restarts_total` are found the same way). Duplicate series
 * (the same series answered by two queries) are kept once.
 */
export function samplesToFamilies(samples: readonly Sample[]): MetricFamily[] {
  const byName = new Map<string, Map<string, Sample>>();
  for (const s of samples) {
    let series = byName.get(s.name);
    if (!series) byName.set(s.name, (series = new Map()));
    const key = JSON.stringify(Object.keys(s.labels).sort().map((k) => [k, s.labels[k]]));
    if (!series.has(key)) series.set(key, s);
  }
  return [...byName].map(([name, series]) => ({ name, type: 'untyped', samples: [...series.values()] }));
}
