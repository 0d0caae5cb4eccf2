import type { Transition } from '../core/alerts/index.ts';
import type { Watcher } from '../core/watcher.ts';
import type { DrainResult } from '../platform/delivery/index.ts';
import type { Logger } from '../platform/logger.ts';
import type { Notifier } from './notifier.ts';
import type { TransitionSink } from './sinks.ts';

export interface RoundDelivery {
  sinkErrors: Error[];
  drained?: DrainResult;
}

/**
 * After a round: write transitions to the record sinks (events JSONL, timeline), hand them to the notifier,
 * which enqueues durably, and only then acknowledge them to the watcher; then drain the outbox. A failing
 * sink never blocks the others nor the notifications. `signal` (shutdown) cuts the drain short: in-flight attempts
 * are aborted and their jobs stay pending for the next drain.
 */
export async function afterRound(
  transitions: Transition[],
  now: number,
  deps: { watcher: Watcher; notifier: Notifier; sinks: TransitionSink[]; logger: Logger; drainDeadlineMs?: number; signal?: AbortSignal },
): Promise<RoundDelivery> {
  const settled = await Promise.allSettled(deps.sinks.map((sink) => sink.write(transitions)));
  const sinkErrors = settled.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason : new Error(String(r.reason))] : []));
  for (const err of sinkErrors) deps.logger.error('event sink failed', { error: err.message });
  await deps.notifier.route(transitions, (fp) => deps.watcher.alert(fp), now);
  deps.watcher.acknowledge(transitions, now);
  const drained = await deps.notifier.drain({
    ...(deps.drainDeadlineMs === undefined ? {} : { deadlineMs: deps.drainDeadlineMs }),
    ...(deps.signal ? { signal: deps.signal } : {}),
  });
  for (const f of drained.primaryFailures) deps.logger.error('receiver failed; sent to its fallback', { receiver: f.receiver, reason: f.error.reason });
  for (const f of drained.deadLettered) deps.logger.error('notification dead-lettered', { receiver: f.receiver, reason: f.error.reason, id: f.id });
  return { sinkErrors, drained };
}
