import type { Target } from '../config/schema.ts';
import type { Watcher, RoundResult } from '../core/watcher.ts';
import type { Snapshot, Finding } from '../core/types.ts';
import { scrapeTarget, type ScrapeOk, type ScrapeFailed } from '../platform/scrape.ts';
import type { Secret } from '../platform/secrets.ts';

/** A configured target with its bearer token already resolved. */
export interface ResolvedTarget {
  target: Target;
  token?: Secret;
}

export interface ProbeRoundResult extends RoundResult {
  now: number;
  scrapes: Array<ScrapeOk | ScrapeFailed>;
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
 * One probe round: scrape every target concurrently (a failed scrape is a finding, never a throw),
 * then let the watcher evaluate. `now` is read once so every snapshot of a round shares one time.
 */
export async function probeRound(
  targets: ResolvedTarget[],
  watcher: Watcher,
  now: () => number,
  signal?: AbortSignal,
): Promise<ProbeRoundResult> {
  const ts = now();
  const scrapes = await scrapeTargets(targets, ts, signal);
  return { now: ts, scrapes, ...watcher.observe(roundInput(ts, scrapes)) };
}
