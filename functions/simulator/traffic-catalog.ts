/**
 * The Codex Pooler traffic every pod serves: which labelled series exist and their healthy rates (per second).
 * Label values are safe identifiers only, like the real app's (no paths, no user data).
 */

/** `codex_pooler_http_request_count{method,status_class}`; duration histogram is by method. */
export const HTTP_SERIES = [
  { method: 'GET', status_class: '2xx', rate: 14 },
  { method: 'GET', status_class: '3xx', rate: 0.4 },
  { method: 'GET', status_class: '4xx', rate: 0.35 },
  { method: 'GET', status_class: '5xx', rate: 0.02 },
  { method: 'POST', status_class: '2xx', rate: 7 },
  { method: 'POST', status_class: '4xx', rate: 0.25 },
  { method: 'POST', status_class: '5xx', rate: 0.015 },
] as const;

export const HTTP_METHODS = ['GET', 'POST'] as const;

/** Gateway admission by route class and transport (enqueued = accepted + rejected + timed out). */
export const ADMISSION_SERIES = [
  { route_class: 'responses', transport: 'http', rate: 3.2 },
  { route_class: 'responses', transport: 'websocket', rate: 1.1 },
  { route_class: 'chat_completions', transport: 'http', rate: 0.6 },
] as const;

/** Repo (Ecto) queries by safe source and SQL command, with a little `source="unknown"`. Times in seconds. */
export const REPO_SERIES = [
  { source: 'api_keys', command: 'select', rate: 9, median: 0.0012, queueMedian: 0.00015 },
  { source: 'pools', command: 'select', rate: 6, median: 0.0018, queueMedian: 0.00015 },
  { source: 'accounts', command: 'select', rate: 3, median: 0.0015, queueMedian: 0.00015 },
  { source: 'usage_events', command: 'insert', rate: 5, median: 0.0025, queueMedian: 0.0002 },
  { source: 'pool_members', command: 'update', rate: 1.2, median: 0.003, queueMedian: 0.0002 },
  { source: 'oban_jobs', command: 'update', rate: 0.8, median: 0.004, queueMedian: 0.0003 },
  { source: 'sessions', command: 'delete', rate: 0.3, median: 0.006, queueMedian: 0.0003 },
  { source: 'unknown', command: 'select', rate: 0.15, median: 0.008, queueMedian: 0.0004 },
] as const;

export const HTTP_DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;
export const ADMISSION_QUEUE_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] as const;
export const REPO_TIME_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1] as const;

/** Healthy latency shapes (log-normal median and sigma, seconds). */
export const HTTP_LATENCY = { median: 0.035, sigma: 0.9 } as const;
export const ADMISSION_LATENCY = { median: 0.002, sigma: 0.7 } as const;
export const REPO_SIGMA = 0.8;
export const REPO_QUEUE_SIGMA = 1.0;
