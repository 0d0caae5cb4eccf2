import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Transition } from '../core/alerts/index.ts';
import type { AlertEvent } from '../core/alerts/index.ts';
import { formatTransition } from './format.ts';
import { redactText } from '../platform/redact.ts';

/** Where a round's alert transitions go. Notification channels arrive with the alerting pipeline. */
export interface TransitionSink {
  write(transitions: Transition[]): Promise<void>;
}

/** Alert events as JSON Lines, design.md's format: state changes only, reminders are not events. */
export function eventLines(transitions: Transition[]): string {
  return transitions
    .filter((t) => t.action !== 'remind')
    // Redacted at the exit, as every log line is: registered secret values and secret patterns, whatever rule wrote it.
    .map((t) => redactText(JSON.stringify(orderEvent(t.event))) + '\n')
    .join('');
}

/** Key order is part of the format other tools read. */
function orderEvent(e: AlertEvent): AlertEvent {
  return {
    ts: e.ts,
    status: e.status,
    severity: e.severity,
    rule: e.rule,
    pod: e.pod,
    target: e.target,
    fingerprint: e.fingerprint,
    summary: e.summary,
  };
}

export function jsonlEventSink(path: string): TransitionSink {
  let ready: Promise<unknown> | undefined;
  return {
    async write(transitions) {
      const text = eventLines(transitions);
      if (!text) return;
      ready ??= mkdir(dirname(path), { recursive: true });
      await ready;
      await appendFile(path, text, 'utf8');
    },
  };
}

export function streamEventSink(stream: NodeJS.WritableStream): TransitionSink {
  return {
    async write(transitions) {
      const text = eventLines(transitions);
      if (text) stream.write(text);
    },
  };
}

export function consoleSink(stream: NodeJS.WritableStream, opts: { verbose?: boolean } = {}): TransitionSink {
  return {
    async write(transitions) {
      for (const t of transitions) stream.write(redactText(formatTransition(t, opts)) + '\n');
    },
  };
}
