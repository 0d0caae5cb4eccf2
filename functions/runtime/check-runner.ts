import type { Finding } from '../core/types.ts';
import type { ScrapeFailed, ScrapeOk } from '../platform/scrape.ts';

/** What a check runner sees of a probe round: its time, and the scrapes already made (built-in checks read them). */
export interface CheckRound {
  ts: number;
  scrapes: Array<ScrapeOk | ScrapeFailed>;
  signal?: AbortSignal;
}

/** A numeric result for the metrics sinks (CloudWatch on AWS): `check` and `name` become dimensions, sanitized. */
export interface CheckMetric {
  check: string;
  name: 'CheckSuccess' | 'CheckLatency' | 'CertificateDaysLeft' | (string & {});
  value: number;
  unit: 'None' | 'Count' | 'Milliseconds' | 'Bytes' | 'Seconds';
}

/**
 * One round of checks beside the scrape: findings for what is wrong now, and every pod/target name the checks
 * covered (a covered name with no finding resolves its alert). Never throws: a check that cannot run is a finding.
 */
export interface CheckResults {
  findings: Finding[];
  evaluated: string[];
  metrics: CheckMetric[];
}

export type CheckRunner = (round: CheckRound) => Promise<CheckResults>;
