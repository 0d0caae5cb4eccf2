import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Config } from '../config/schema.ts';
import { JsonFileStateStore } from '../platform/state-store.ts';
import { parseRunState, RUN_STATE_FORMAT, type StoredRunState } from './run-state.ts';
import { acquireRunLock } from '../platform/run-lock.ts';
import type { Logger } from '../platform/logger.ts';
import { buildWatcher, configuredNames, resolveTargets } from './build-watcher.ts';
import { probeRound, type ProbeRoundResult } from './probe-round.ts';
import type { CheckRunner } from './check-runner.ts';
import { createCheckRunners } from './check-runners.ts';
import { memoSecretResolver } from './http-checks.ts';
import { Notifier } from './notifier.ts';
import { afterRound } from './deliver.ts';
import type { TransitionSink } from './sinks.ts';
import { sleep } from './sleep.ts';
import { startWebhookServer } from './webhook-server.ts';

export interface RunOptions {
  config: Config;
  /** Record sinks (alert events JSONL); notifications go through the configured receivers. */
  sinks: TransitionSink[];
  logger: Logger;
  out?: { write(text: string): unknown };
  /** Stop after this many rounds (tests, cron); default: until the signal aborts. */
  rounds?: number;
  signal?: AbortSignal;
  now?: () => number;
  env?: NodeJS.ProcessEnv;
  /** Called once the loop is set up (tests use it to learn the receiver's port). */
  onReady?: (info: { receiverUrl?: string }) => void;
}

/**
 * The local scheduled loop: scrape, evaluate, notify through the pipeline, persist state after every round, so
 * a restart picks up alert state, history, groups and undelivered notifications where it left off.
 */
export async function runLoop(opts: RunOptions): Promise<number> {
  const { config } = opts;
  const statePath = join(config.state.dir, 'state.json');
  let migratedFrom: number | undefined;
  const store = new JsonFileStateStore<StoredRunState>(statePath, {
    parse: (raw) => {
      const parsed = parseRunState(raw, statePath);
      migratedFrom = parsed.migratedFrom;
      return parsed.state;
    },
  });
  const targets = await resolveTargets(config, opts.env);
  // Check secrets too are resolved before the loop starts: a missing one fails fast, naming its reference.
  const checks = await createCheckRunners(config, targets, { resolveSecret: memoSecretResolver(opts.env ?? process.env), logger: opts.logger, preflight: true });
  const release = await acquireRunLock(join(config.state.dir, 'run.lock'));
  try {
    const saved = await store.load();
    if (migratedFrom !== undefined) opts.logger.warn('state file of an older version migrated', { path: statePath, fromFormat: migratedFrom, toFormat: RUN_STATE_FORMAT });
    const notifier = await Notifier.create({ config, logger: opts.logger, out: opts.out, env: opts.env, now: opts.now, grouper: saved?.grouper });
    const watcher = buildWatcher(config, saved?.watch);
    const retired = watcher.retireAllBut(configuredNames(config));
    if (retired.length > 0) opts.logger.info('alerts of targets and checks no longer configured will resolve', { names: retired.join(',') });
    const now = opts.now ?? Date.now;
    // Accepted webhooks are delivered now rather than at the next round; the notifier runs one drain at a time.
    // A shutdown aborts it like the round's drain (what it leaves stays pending), so `idle()` below returns promptly.
    const deliverSoon = () =>
      void notifier.drain({ deadlineMs: now() + config.delivery.deadline, ...(opts.signal ? { signal: opts.signal } : {}) }).catch((err: unknown) =>
        opts.logger.error('background delivery failed', { error: (err as Error)?.name ?? 'error' }),
      );
    const server = await startWebhookServer({ config, notifier, logger: opts.logger, env: opts.env ?? process.env, now, onAccepted: deliverSoon });
    if (server) opts.logger.info('alertmanager receiver listening', { url: `${server.url}/alertmanager` });
    opts.onReady?.({ receiverUrl: server?.url });
    try {
      return await loop(opts, { store, targets, checks, watcher, notifier, now });
    } finally {
      await server?.close();
      await notifier.idle();
    }
  } finally {
    await release();
  }
}

async function loop(
  opts: RunOptions,
  deps: { store: JsonFileStateStore<StoredRunState>; targets: Awaited<ReturnType<typeof resolveTargets>>; checks: CheckRunner[]; watcher: ReturnType<typeof buildWatcher>; notifier: Notifier; now: () => number },
): Promise<number> {
  const { config } = opts;
  const { store, targets, checks, watcher, notifier, now } = deps;
  let rounds = 0;
  while (!opts.signal?.aborted) {
    // The round is timed on the monotonic clock: a wall-clock step (NTP after a VM resume, `date -s`) during it must
    // neither stretch the pause nor the drain. `now` stays the clock of alert times and delivery budgets.
    const started = performance.now();
    const left = () => Math.min(config.interval, Math.max(0, config.interval - (performance.now() - started)));
    let result: ProbeRoundResult;
    try {
      result = await probeRound(targets, watcher, now, opts.signal, checks);
    } catch (err) {
      if (!opts.signal?.aborted) throw err;
      // Shutdown mid-round: its aborted scrapes and checks are not failures. Nothing observed, nothing saved.
      opts.logger.info('round interrupted by shutdown: discarded (the next start runs it again)');
      break;
    }
    for (const scrape of result.scrapes) {
      const name = scrape.ok ? scrape.snapshot.target : scrape.finding.target;
      opts.logger.info('scrape', { target: name, ok: scrape.ok, durationMs: scrape.durationMs, bytes: scrape.bytes, ...(scrape.ok ? {} : { reason: scrape.reason }) });
    }
    // The drain may use what is left of the interval; a shutdown aborts it (its jobs stay pending in the outbox).
    await afterRound(result.transitions, result.now, { watcher, notifier, sinks: opts.sinks, logger: opts.logger, drainDeadlineMs: now() + left(), signal: opts.signal });
    await store.save({ format: RUN_STATE_FORMAT, watch: watcher.dump(), grouper: notifier.grouperState() });
    rounds += 1;
    if (opts.rounds !== undefined && rounds >= opts.rounds) break;
    await sleep(left(), opts.signal);
  }
  return rounds;
}
