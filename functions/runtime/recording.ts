import * as z from 'zod';
import { parseExposition, ParseError } from '../core/exposition/index.ts';
import type { Snapshot } from '../core/types.ts';

/** One line of a recording (design.md): `{"ts","target"?,"exposition"}`. Unknown keys are tolerated. */
export const RecordingLine = z.object({
  ts: z.iso.datetime({ offset: true }),
  target: z.string().min(1).max(128).optional(),
  exposition: z.string(),
});
export type RecordingLine = z.infer<typeof RecordingLine>;

export const MAX_RECORDING_LINE = 64 * 1024 * 1024;

export function recordingLine(ts: number, target: string, exposition: string): string {
  return JSON.stringify({ ts: new Date(ts).toISOString(), target, exposition }) + '\n';
}

/** Parses one recording line into a snapshot, or explains why not (no body text in the reason). */
export function snapshotFromLine(text: string, defaultTarget = 'recorded'): { snapshot: Snapshot } | { error: string } {
  if (text.length > MAX_RECORDING_LINE) return { error: `line longer than ${MAX_RECORDING_LINE} bytes` };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { error: 'not valid JSON' };
  }
  const line = RecordingLine.safeParse(raw);
  if (!line.success) {
    return { error: line.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ') };
  }
  const { ts, target, exposition } = line.data;
  // OpenMetrics bodies must end with `# EOF`; that marker is the only reliable tell in a recording.
  const format = /# EOF\s*$/.test(exposition.slice(-64)) ? 'openmetrics' : 'text';
  try {
    const families = parseExposition(exposition, format);
    // Federate output carries a `pod` label; an app's own /metrics does not, so its target stands for the pod.
    const federated = families.some((f) => f.samples.some((s) => s.labels.pod !== undefined));
    return { snapshot: { ts: Date.parse(ts), target: target ?? defaultTarget, kind: federated ? 'federate' : 'metrics', families } };
  } catch (err) {
    if (err instanceof ParseError) return { error: `exposition ${err.message}` };
    throw err;
  }
}
