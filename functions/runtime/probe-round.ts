import type { Target } from '../config/schema.ts';
import type { Watcher, RoundResult } from '../core/watcher.ts';
import type { Snapshot, Finding } from '../core/types.ts';
import { scrapeTarget, type ScrapeOk, type ScrapeFailed } from '../platform/scrape.ts';
import type { Secret } from '../platform/secrets.ts';
import type { CheckResults, CheckRound, CheckRunner } from './check-runner.ts';

/** A configured target with its bearer token already resolved. */
export interface ResolvedTarget {
  target: Target;
  token?: Secret;
}

export interface ProbeRoundResult extends RoundResult {
  now: number;
  scrapes: Array<ScrapeOk | ScrapeFailed>;
  /** Combined results of the round's check runners (findings, evaluated names, metrics). */
  checks: CheckResults;
}

/** Every target scraped concurrently at one time `ts` (a failed scrape is a finding, never a throw). */
export async function scrapeTargets(targets: ResolvedTarget[], ts: number, signal?: AbortSignal): Promise<Array<ScrapeOk | ScrapeFailed>> {
  return Promise.all(targets.map(({ target, token }) => scrapeTarget(target, { token, now: () => ts, signal })));
}

/** Splits scrapes into what the watcher observes: snapshots, and the findings of the scrapes that failed. */
export function roundInput(ts: number, scrapes: Array<ScrapeOk | ScrapeFailed>): { now: number; snapshots: Snapshot[]; scrapeFailures: Finding[] } {
  const snapshots: Snapshot[] = [];
  const scrapeFailures: Finding[] = [];
  for (const scrape of scrapes) {
    if (scrape.ok) snapshots.push(scrape.snapshot);
    else scrapeFailures.push(scrape.finding);
  }
  return { now: ts, snapshots, scrapeFailures };
}

/**
 * Runs the check runners of a round concurrently and combines their results. A runner breaking its never-throw
 * contract is left out: its names are not evaluated, so its alerts keep their state instead of resolving.
 */
export async function runChecks(runners: readonly CheckRunner[], round: CheckRound): Promise<CheckResults> {
  const settled = await Promise.allSettled(runners.map((run) => run(round)));
  const out: CheckResults = { findings: [], evaluated: [], metrics: [] };
  for (const s of settled) {
    if (s.status !== 'fulfilled') continue;
    out.findings.push(...s.value.findings);
    out.evaluated.push(...s.value.evaluated);
    out.metrics.push(...s.value.metrics);
  }
  return out;
}

/**
 * One probe round: scrape every target concurrently (a failed scrape is a finding, never a throw), run the checks
 * (which may read the scrapes), then let the watcher evaluate. `now` is read once so a round shares one time.
 *
 * A round whose `signal` aborted (shutdown) is discarded: its scrapes and checks were cut short, and an aborted
 * request looks like a `timeout` failure, so evaluating them would alert on healthy endpoints. The watcher does not
 * observe it and this throws the signal's reason instead (`signal.throwIfAborted()`); the caller saves nothing, so
 * the next start runs the round again.
 */
export async function probeRound(
  targets: ResolvedTarget[],
  watcher: Watcher,
  now: () => number,
  signal?: AbortSignal,
  checks: readonly CheckRunner[] = [],
): Promise<ProbeRoundResult> {
  const ts = now();
  const scrapes = await scrapeTargets(targets, ts, signal);
  const results = await runChecks(checks, { ts, scrapes, ...(signal ? { signal } : {}) });
  signal?.throwIfAborted();
  return { now: ts, scrapes, checks: results, ...watcher.observe({ ...roundInput(ts, scrapes), checks: { findings: results.findings, evaluated: results.evaluated } }) };
}
