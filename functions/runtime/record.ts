import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Config } from '../config/schema.ts';
import { scrapeTarget } from '../platform/scrape.ts';
import type { Logger } from '../platform/logger.ts';
import { resolveTargets } from './build-watcher.ts';
import { recordingLine } from './recording.ts';
import { sleep } from './sleep.ts';

export interface RecordOptions {
  config: Config;
  out: string;
  count: number;
  logger: Logger;
  signal?: AbortSignal;
  now?: () => number;
}

/**
 * Appends `count` rounds of raw scrapes to a recording (design.md's JSONL), one line per target and round.
 * Failed scrapes are logged and not recorded: a recording holds expositions, and replay re-derives findings.
 */
export async function record(opts: RecordOptions): Promise<{ recorded: number; failed: number }> {
  const now = opts.now ?? Date.now;
  const targets = await resolveTargets(opts.config);
  await mkdir(dirname(opts.out), { recursive: true });
  let recorded = 0;
  let failed = 0;
  for (let round = 0; round < opts.count && !opts.signal?.aborted; round++) {
    const started = now();
    const scrapes = await Promise.all(
      targets.map(({ target, token }) => scrapeTarget(target, { token, now: () => started, signal: opts.signal })),
    );
    let text = '';
    for (const scrape of scrapes) {
      if (scrape.ok) {
        text += recordingLine(started, scrape.snapshot.target, scrape.text);
        recorded += 1;
      } else {
        failed += 1;
        opts.logger.warn('scrape failed, not recorded', { target: scrape.finding.target, reason: scrape.reason });
      }
    }
    if (text) await appendFile(opts.out, text, 'utf8');
    if (round + 1 < opts.count) await sleep(Math.max(0, opts.config.interval - (now() - started)), opts.signal);
  }
  return { recorded, failed };
}
