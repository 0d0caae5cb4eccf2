import * as z from 'zod';
import { HistoryDump } from '../core/history/dump.ts';
import { emptyGrouperState, type GrouperState } from '../core/routing/index.ts';
import type { WatchState } from '../core/watcher.ts';
import { ConfigError } from '../platform/errors.ts';

/**
 * Format of what `run` saves as state.json's `value`. 1 (unmarked) was the bare WatchState, before the alert
 * pipeline (commit 2e53179); 2 is {@link RunState}, unmarked until `format` was added. Raise it on any change an
 * older version would misread.
 */
export const RUN_STATE_FORMAT = 2;

/** What `run` persists between rounds and restarts. */
export interface RunState {
  watch: WatchState;
  grouper: GrouperState;
}

/** state.json's `value`: the run state marked with its format. */
export interface StoredRunState extends RunState {
  format: typeof RUN_STATE_FORMAT;
}

const AlertStateSchema = z.looseObject({
  fingerprint: z.string(),
  rule: z.string(),
  pod: z.string(),
  target: z.string(),
  status: z.enum(['inactive', 'pending', 'firing', 'resolved']),
  severity: z.enum(['critical', 'warning', 'info']),
  summary: z.string(),
  finding: z.looseObject({ rule: z.string(), pod: z.string(), target: z.string() }),
  activeCount: z.number(),
  inactiveCount: z.number(),
  changedAt: z.number(),
  lastEvaluatedAt: z.number(),
});

const WatchStateSchema = z.looseObject({
  version: z.number().int().nonnegative(),
  history: HistoryDump,
  memo: z.looseObject({ version: z.literal(1), pods: z.record(z.string(), z.looseObject({})) }),
  alerts: z.record(z.string(), AlertStateSchema),
});

const GrouperStateSchema = z.looseObject({
  groups: z.array(
    z.looseObject({
      groupKey: z.string(),
      routePath: z.string(),
      receiver: z.string(),
      groupWait: z.number(),
      groupInterval: z.number(),
      repeatInterval: z.number(),
      createdAt: z.number(),
      remindWanted: z.boolean(),
      alerts: z.array(
        z.looseObject({
          alert: z.looseObject({ fingerprint: z.string(), status: z.enum(['firing', 'resolved']), action: z.enum(['trigger', 'remind', 'resolve']), labels: z.record(z.string(), z.string()) }),
          notified: z.boolean(),
          retrigger: z.boolean(),
          moved: z.boolean(),
        }),
      ),
    }),
  ),
});

const RunStateSchema = z.looseObject({ format: z.literal(RUN_STATE_FORMAT).optional(), watch: WatchStateSchema, grouper: GrouperStateSchema });

/**
 * state.json's `value` as this version runs with it: the current format (marked or not) as is, the bare WatchState
 * of format 1 migrated (empty grouper: a resolve of an alert it does not know is still sent). Anything else —
 * a newer format, or a shape no version wrote — is refused with a ConfigError naming the file, never its content;
 * the file is left in place, since starting empty would re-page every firing alert and lose their resolves.
 */
export function parseRunState(raw: unknown, path: string): { state: StoredRunState; migratedFrom?: 1 } {
  const obj = typeof raw === 'object' && raw !== null && !Array.isArray(raw) ? (raw as Record<string, unknown>) : undefined;
  const format = obj?.format;
  if (typeof format === 'number' && Number.isSafeInteger(format) && format > RUN_STATE_FORMAT) {
    throw new ConfigError(`state file ${path} was written by a newer pooler-watch (state format ${format}; this version reads up to ${RUN_STATE_FORMAT}); left in place`);
  }
  const current = RunStateSchema.safeParse(raw);
  if (current.success) return { state: runState(current.data.watch, current.data.grouper) };
  if (obj && !('watch' in obj) && !('grouper' in obj) && !('format' in obj)) {
    const legacy = WatchStateSchema.safeParse(raw);
    if (legacy.success) return { state: runState(legacy.data, emptyGrouperState()), migratedFrom: 1 };
  }
  throw new ConfigError(
    `state file ${path} is not in a format this version of pooler-watch reads (expected {format, watch, grouper}); left in place: move it away to start with empty alert state`,
  );
}

function runState(watch: unknown, grouper: unknown): StoredRunState {
  return { format: RUN_STATE_FORMAT, watch: watch as unknown as WatchState, grouper: grouper as unknown as GrouperState };
}
