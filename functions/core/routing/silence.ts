import { matchesAll } from './matchers.ts';
import type { Labels } from './matchers.ts';
import type { Silence } from './schema.ts';

/** Whether a silence is in effect at `now`: started (or no `startsAt`) and not yet ended (`endsAt` excluded). */
export function isSilenceActive(silence: Silence, now: number): boolean {
  const starts = silence.startsAt === undefined ? -Infinity : Date.parse(silence.startsAt);
  return starts <= now && now < Date.parse(silence.endsAt);
}

/** The first silence active at `now` whose matchers all match; expired and future silences are ignored. */
export function activeSilence(labels: Labels, silences: readonly Silence[], now: number): Silence | undefined {
  return silences.find((s) => isSilenceActive(s, now) && matchesAll(labels, s.matchers));
}
