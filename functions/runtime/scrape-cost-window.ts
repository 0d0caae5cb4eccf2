/** Points kept per target and series at most, whatever the window and interval (a 1 s interval over 30 min). */
const MAX_POINTS = 720;

type Series = Array<[number, number]>;

/**
 * The recent cost of each target's successful scrapes (duration, decompressed size), for the trend rules.
 *
 * Kept here, in memory, rather than as synthetic samples in the watcher's History: these numbers are about our
 * scrape, not the app's exposition, and putting them in History would mean widening its kept-name filter, growing
 * the persisted state, and mutating snapshots before the watcher sees them. The price: a restart (or a Lambda cold
 * start) empties the window, so growth needs `growthMinSpan` of scrapes again; the level rules need three.
 */
export class ScrapeCostWindow {
  readonly #series = new Map<string, { durationMs: Series; bytes: Series }>();

  constructor(private readonly windowMs: number) {}

  add(target: string, ts: number, durationMs: number, bytes: number): void {
    let s = this.#series.get(target);
    if (!s) {
      s = { durationMs: [], bytes: [] };
      this.#series.set(target, s);
    }
    for (const [series, value] of [[s.durationMs, durationMs], [s.bytes, bytes]] as const) {
      // A clock that went backwards (replayed rounds, a manual clock) restarts the window rather than mixing times.
      if (series.length > 0 && ts < series[series.length - 1]![0]) series.length = 0;
      series.push([ts, value]);
      const from = ts - this.windowMs;
      let drop = 0;
      while (drop < series.length && series[drop]![0] <= from) drop++;
      drop = Math.max(drop, series.length - MAX_POINTS);
      if (drop > 0) series.splice(0, drop);
    }
  }

  durationMs(target: string): ReadonlyArray<readonly [number, number]> {
    return this.#series.get(target)?.durationMs ?? [];
  }

  bytes(target: string): ReadonlyArray<readonly [number, number]> {
    return this.#series.get(target)?.bytes ?? [];
  }
}
