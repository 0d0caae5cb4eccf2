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
  const scrapes = await Promise.all(
    targets.map(({ target, token }) => scrapeTarget(target, { token, now: () => ts, signal })),
  );
  const snapshots: Snapshot[] = [];
  const scrapeFailures: Finding[] = [];
  for (const scrape of scrapes) {
    if (scrape.ok) snapshots.push(scrape.snapshot);
    else scrapeFailures.push(scrape.finding);
  }
  return { now: ts, scrapes, ...watcher.observe({ now: ts, snapshots, scrapeFailures }) };
}
