import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import type { WatchState } from '../core/watcher.ts';
import { JsonFileStateStore } from '../platform/state-store.ts';
import { acquireRunLock } from '../platform/run-lock.ts';
import type { Logger } from '../platform/logger.ts';
import { buildWatcher, resolveTargets } from './build-watcher.ts';
import { probeRound } from './probe-round.ts';
import type { TransitionSink } from './sinks.ts';
import { sleep } from './sleep.ts';
import { deliver } from './deliver.ts';

export interface RunOptions {
  config: Config;
  sinks: TransitionSink[];
  logger: Logger;
  /** Stop after this many rounds (tests, cron); default: until the signal aborts. */
  rounds?: number;
  signal?: AbortSignal;
  now?: () => number;
  env?: NodeJS.ProcessEnv;
}

/**
 * The local scheduled loop: scrape, evaluate, write transitions, persist state after every round, so a
 * restart picks up alert state and history where it left off.
 */
export async function runLoop(opts: RunOptions): Promise<number> {
  const { config } = opts;
  const store = new JsonFileStateStore<WatchState>(join(config.state.dir, 'state.json'));
  const targets = await resolveTargets(config, opts.env);
  const release = await acquireRunLock(join(config.state.dir, 'run.lock'));
  try {
    return await loop(opts, store, targets, buildWatcher(config, await store.load()));
  } finally {
    await release();
  }
}

async function loop(
  opts: RunOptions,
  store: JsonFileStateStore<WatchState>,
  targets: Awaited<ReturnType<typeof resolveTargets>>,
  watcher: ReturnType<typeof buildWatcher>,
): Promise<number> {
  const { config, logger } = opts;
  const now = opts.now ?? Date.now;
  let rounds = 0;
  while (!opts.signal?.aborted) {
    const started = now();
    const result = await probeRound(targets, watcher, now, opts.signal);
    for (const scrape of result.scrapes) {
      const name = scrape.ok ? scrape.snapshot.target : scrape.finding.target;
      logger.info('scrape', { target: name, ok: scrape.ok, durationMs: scrape.durationMs, bytes: scrape.bytes, ...(scrape.ok ? {} : { reason: scrape.reason }) });
    }
    for (const err of await deliver(opts.sinks, watcher, result.transitions, result.now)) {
      logger.error('sink failed; transitions will be retried next round', { error: err.message });
    }
    await store.save(watcher.dump());
    rounds += 1;
    if (opts.rounds !== undefined && rounds >= opts.rounds) break;
    await sleep(Math.max(0, config.interval - (now() - started)), opts.signal);
  }
  return rounds;
}
