import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import type { Config } from '../config/schema.ts';
import type { Snapshot } from '../core/types.ts';
import { buildWatcher } from './build-watcher.ts';
import { snapshotFromLine } from './recording.ts';
import type { TransitionSink } from './sinks.ts';

export interface ReplayResult {
  scrapes: number;
  rounds: number;
  badLines: number;
}

/**
 * Evaluates each recorded scrape at its recorded time — no wall-clock sleeps. Consecutive lines with the same
 * `ts` form one round (several targets scraped together). A bad line is reported with its number and skipped;
 * the caller turns `badLines > 0` into a non-zero exit so nothing is lost silently.
 */
export async function replay(
  input: Readable | string,
  config: Config,
  sinks: TransitionSink[],
  onBadLine: (lineNo: number, reason: string) => void,
): Promise<ReplayResult> {
  const stream = typeof input === 'string' ? createReadStream(input, 'utf8') : input;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  const watcher = buildWatcher(config);
  const result: ReplayResult = { scrapes: 0, rounds: 0, badLines: 0 };
  let pending: Snapshot[] = [];
  let lastTs = -Infinity;

  const flush = async () => {
    if (pending.length === 0) return;
    const now = pending[0]!.ts;
    const { transitions } = watcher.observe({ now, snapshots: pending, scrapeFailures: [] });
    for (const sink of sinks) await sink.write(transitions);
    // Replay notifies nobody; acknowledging keeps reminders spaced as a live run's would be.
    watcher.acknowledge(transitions, now);
    result.rounds += 1;
    pending = [];
  };

  let lineNo = 0;
  for await (const text of lines) {
    lineNo += 1;
    if (text.trim() === '') continue;
    const parsed = snapshotFromLine(text);
    if ('error' in parsed) {
      result.badLines += 1;
      onBadLine(lineNo, parsed.error);
      continue;
    }
    const { snapshot } = parsed;
    if (snapshot.ts < lastTs) {
      result.badLines += 1;
      onBadLine(lineNo, 'timestamp goes backwards; a recording must be in time order');
      continue;
    }
    if (snapshot.ts !== lastTs) await flush();
    lastTs = snapshot.ts;
    pending.push(snapshot);
    result.scrapes += 1;
  }
  await flush();
  return result;
}
