import type { Transition } from '../core/alerts/index.ts';
import type { Watcher } from '../core/watcher.ts';
import type { TransitionSink } from './sinks.ts';

/**
 * Hands a round's transitions to every sink (one failing sink never blocks the others) and acknowledges them
 * to the watcher only when all accepted, so an unsent notification is retried next round rather than lost.
 */
export async function deliver(sinks: TransitionSink[], watcher: Watcher, transitions: Transition[], now: number): Promise<Error[]> {
  if (transitions.length === 0) return [];
  const results = await Promise.allSettled(sinks.map((sink) => sink.write(transitions)));
  const errors = results.flatMap((r) => (r.status === 'rejected' ? [r.reason instanceof Error ? r.reason : new Error(String(r.reason))] : []));
  if (errors.length === 0) watcher.acknowledge(transitions, now);
  return errors;
}
