import { observeLogNormal } from './histogram.ts';
import type { Prng } from './prng.ts';
import type { PodTraffic } from './pod-state.ts';
import {
  ADMISSION_LATENCY,
  ADMISSION_QUEUE_BUCKETS,
  ADMISSION_SERIES,
  HTTP_DURATION_BUCKETS,
  HTTP_LATENCY,
  HTTP_METHODS,
  HTTP_SERIES,
  REPO_QUEUE_SIGMA,
  REPO_SERIES,
  REPO_SIGMA,
  REPO_TIME_BUCKETS,
} from './traffic-catalog.ts';

/** What the pod's condition does to its traffic during one step. */
export interface TrafficConditions {
  /** 0 (healthy) … 1 (overloaded): raises latency, 5xx, admission rejections and time-outs. */
  stress: number;
  /** Stream-buffer events per second (0 when healthy). */
  oversizedPerSec: number;
  truncatedPerSec: number;
}

export const CALM: TrafficConditions = { stress: 0, oversizedPerSec: 0, truncatedPerSec: 0 };

/**
 * Adds `dtSec` seconds of traffic. With `rng` each series' rate wobbles ±8%; without it the expected
 * amounts are added (used to give a pod counters consistent with its uptime at start).
 */
export function accumulateTraffic(t: PodTraffic, dtSec: number, c: TrafficConditions, rng?: Prng): void {
  const amount = (rate: number): number => Math.max(0, rate * dtSec * (rng ? 1 + 0.08 * rng.normal() : 1));
  const s = c.stress;

  const perMethod = new Float64Array(HTTP_METHODS.length);
  HTTP_SERIES.forEach((def, i) => {
    const rate = def.status_class === '5xx' ? def.rate * (1 + 30 * s) : def.rate;
    const n = amount(rate);
    t.http[i]! += n;
    perMethod[HTTP_METHODS.indexOf(def.method)]! += n;
  });
  HTTP_METHODS.forEach((method, i) => {
    const median = HTTP_LATENCY.median * (method === 'POST' ? 2.5 : 1) * (1 + 5 * s);
    observeLogNormal(t.httpDuration[i]!, HTTP_DURATION_BUCKETS, perMethod[i]!, median, HTTP_LATENCY.sigma);
  });

  const rejectShare = 0.05 * s;
  const timeoutShare = 0.03 * s;
  ADMISSION_SERIES.forEach((def, i) => {
    const n = amount(def.rate);
    const accepted = n * (1 - rejectShare - timeoutShare);
    t.admission.enqueued[i]! += n;
    t.admission.accepted[i]! += accepted;
    t.admission.rejected[i]! += n * rejectShare;
    t.admission.timedOut[i]! += n * timeoutShare;
    const median = ADMISSION_LATENCY.median * (1 + 50 * s);
    observeLogNormal(t.admissionQueue[i]!, ADMISSION_QUEUE_BUCKETS, accepted, median, ADMISSION_LATENCY.sigma);
  });

  if (c.oversizedPerSec > 0) t.streamOversized += amount(c.oversizedPerSec);
  if (c.truncatedPerSec > 0) t.streamTruncated += amount(c.truncatedPerSec);

  REPO_SERIES.forEach((def, i) => {
    const n = amount(def.rate);
    t.repo[i]! += n;
    observeLogNormal(t.repoTime[i]!, REPO_TIME_BUCKETS, n, def.median * (1 + 2 * s), REPO_SIGMA);
    observeLogNormal(t.repoQueue[i]!, REPO_TIME_BUCKETS, n, def.queueMedian * (1 + 10 * s), REPO_QUEUE_SIGMA);
  });
}
