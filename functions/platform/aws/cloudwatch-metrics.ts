import { PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import type { CloudWatchClient, MetricDatum, StandardUnit } from '@aws-sdk/client-cloudwatch';
import type { Sanitizer } from '../../core/sanitize/index.ts';
import { redactText } from '../redact.ts';

/** The metrics pooler-watch publishes; anything else is refused (a typo must not create a new metric). */
export const METRIC_NAMES = [
  'ProbeRuns',
  'ProbeSuccess',
  'ProbeLatencyMs',
  'ScrapeBytes',
  'WorkingSetRatio',
  'MinutesToOom',
  'AlertsFiring',
  'NotificationsSent',
  'NotificationsFailed',
  'DeadLetters',
  'WebhookRequests',
  'CheckSuccess',
  'CheckLatencyMs',
  'CertDaysLeft',
  'MetricsAuthOpen',
] as const;
export type MetricName = (typeof METRIC_NAMES)[number];

/**
 * The probe's heartbeat: 1 per run (committed or superseded), dimension `Stage` only, whatever the targets (there
 * may be none). The dead man's switch (infra/aws/resources.yml, ProbeDeadMansSwitchAlarm) counts it.
 */
export const HEARTBEAT_METRIC = 'ProbeRuns' satisfies MetricName;

/** Dimension names that may be used; each distinct value set is a billed custom metric, so keep it small. */
export const DIMENSION_NAMES = ['Target', 'Pod', 'Rule', 'Receiver', 'Check', 'Stage'] as const;
export type DimensionName = (typeof DIMENSION_NAMES)[number];
export type MetricDimensions = Partial<Record<DimensionName, string>>;
export type MetricUnit = StandardUnit;

const PUT_METRIC_DATA_DOC = 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html';
/**
 * PutMetricData limits (PUT_METRIC_DATA_DOC): "no more than 1000 different metrics" and 1 MB per request,
 * "up to 30 dimensions per metric", NaN/±Infinity "not supported" and values within ±2^360. Dimension values
 * may be 1,024 chars (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html);
 * we cap at 255 to keep them readable in the console.
 */
export const LIMITS = {
  datumsPerRequest: { max: 1_000, doc: PUT_METRIC_DATA_DOC },
  /** Our own estimate of the request body, kept well under the 1 MB limit. */
  requestBytes: { max: 800_000, doc: PUT_METRIC_DATA_DOC },
  dimensionsPerMetric: { max: 30, doc: PUT_METRIC_DATA_DOC },
  dimensionValueChars: { max: 255, doc: 'https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html' },
  absValue: { max: 2 ** 360, doc: PUT_METRIC_DATA_DOC },
} as const;

/** What a dimension value becomes when the sanitizer found anything secret-like in it. */
export const REDACTED_DIMENSION = 'redacted';
const EMPTY_DIMENSION = 'none';

/** Options of {@link createMetricsPublisher}. */
export interface MetricsPublisherOptions {
  client: CloudWatchClient;
  /** e.g. `PoolerWatch`. */
  namespace: string;
  /** Cleans dimension values; default: the process sanitizer (every registered secret + credential patterns). */
  sanitizer?: Pick<Sanitizer, 'text'>;
  /** Clock for each datum's timestamp; default `Date.now`. */
  now?: () => number;
}

/** Outcome of {@link MetricsPublisher.flush}: metrics are best effort, so a failed request is reported, not thrown. */
export interface FlushResult {
  requests: number;
  sent: number;
  failed: number;
  /** Error names (`ThrottlingException`, …) of failed requests; never messages. */
  errors: string[];
}

/** Buffers data points and publishes them with PutMetricData. */
export interface MetricsPublisher {
  /**
   * Buffer one data point. Returns false (and drops it) for a non-finite or out-of-range value or a name
   * outside the allowlists; dimension values are sanitized and capped.
   */
  record(name: MetricName, value: number, unit: MetricUnit, dimensions?: MetricDimensions): boolean;
  /** Send everything buffered, in as few requests as the limits allow, and empty the buffer. */
  flush(): Promise<FlushResult>;
  /** Data points waiting for `flush`. */
  readonly pending: number;
}

/** CheckMetric names (runtime/check-runner.ts) → published names; a check metric not listed here is not published. */
export const CHECK_METRIC_NAMES: Readonly<Record<string, MetricName>> = {
  CheckSuccess: 'CheckSuccess',
  CheckLatency: 'CheckLatencyMs',
  CertificateDaysLeft: 'CertDaysLeft',
  // Built-in checks: scrape duration and size already go out per target as ProbeLatencyMs and ScrapeBytes.
  MetricsAuthOpen: 'MetricsAuthOpen',
};

/**
 * Buffers check results with `Check` and `Stage` dimensions; the check name is sanitized like every dimension value.
 * Returns how many were accepted (unknown names and non-finite values are dropped by `record`).
 */
export function recordCheckMetrics(
  metrics: Pick<MetricsPublisher, 'record'>,
  results: ReadonlyArray<{ check: string; name: string; value: number; unit: MetricUnit }>,
  stage: string,
): number {
  let accepted = 0;
  for (const m of results) {
    const name = Object.hasOwn(CHECK_METRIC_NAMES, m.name) ? CHECK_METRIC_NAMES[m.name] : undefined;
    if (name !== undefined && metrics.record(name, m.value, m.unit, { Stage: stage, Check: m.check })) accepted += 1;
  }
  return accepted;
}

const METRIC_SET = new Set<string>(METRIC_NAMES);
const DIMENSION_SET = new Set<string>(DIMENSION_NAMES);

/** A dimension value safe to publish: sanitized, and wholly `redacted` if anything in it looked secret. */
export function dimensionValue(raw: string, sanitizer: Pick<Sanitizer, 'text'>): string {
  const clean = sanitizer.text(raw);
  if (clean !== raw) return REDACTED_DIMENSION;
  // Truncate by code points so a surrogate pair is never cut in half.
  const capped = Array.from(clean.trim()).slice(0, LIMITS.dimensionValueChars.max).join('');
  return capped === '' ? EMPTY_DIMENSION : capped;
}

const datumBytes = (d: MetricDatum): number => JSON.stringify(d).length + 16;

export function createMetricsPublisher(options: MetricsPublisherOptions): MetricsPublisher {
  const sanitizer = options.sanitizer ?? { text: (s: string) => redactText(s) };
  const now = options.now ?? Date.now;
  let buffer: MetricDatum[] = [];

  const record = (name: MetricName, value: number, unit: MetricUnit, dimensions: MetricDimensions = {}): boolean => {
    if (!METRIC_SET.has(name) || !Number.isFinite(value) || Math.abs(value) > LIMITS.absValue.max) return false;
    const entries = Object.entries(dimensions).filter((e): e is [string, string] => typeof e[1] === 'string');
    if (entries.length > LIMITS.dimensionsPerMetric.max || entries.some(([k]) => !DIMENSION_SET.has(k))) return false;
    const Dimensions = entries
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([Name, v]) => ({ Name, Value: dimensionValue(v, sanitizer) }));
    buffer.push({ MetricName: name, Value: value, Unit: unit, Timestamp: new Date(now()), ...(Dimensions.length ? { Dimensions } : {}) });
    return true;
  };

  const batches = (data: readonly MetricDatum[]): MetricDatum[][] => {
    const out: MetricDatum[][] = [];
    let current: MetricDatum[] = [];
    let bytes = 0;
    for (const d of data) {
      const size = datumBytes(d);
      if (current.length > 0 && (current.length >= LIMITS.datumsPerRequest.max || bytes + size > LIMITS.requestBytes.max)) {
        out.push(current);
        current = [];
        bytes = 0;
      }
      current.push(d);
      bytes += size;
    }
    if (current.length > 0) out.push(current);
    return out;
  };

  const flush = async (): Promise<FlushResult> => {
    const data = buffer;
    buffer = [];
    const requests = batches(data);
    const settled = await Promise.allSettled(
      requests.map((MetricData) => options.client.send(new PutMetricDataCommand({ Namespace: options.namespace, MetricData }))),
    );
    const result: FlushResult = { requests: requests.length, sent: 0, failed: 0, errors: [] };
    settled.forEach((s, i) => {
      const n = requests[i]?.length ?? 0;
      if (s.status === 'fulfilled') result.sent += n;
      else {
        result.failed += n;
        result.errors.push(s.reason instanceof Error ? s.reason.name : 'Error');
      }
    });
    return result;
  };

  return {
    record,
    flush,
    get pending() {
      return buffer.length;
    },
  };
}
