/** The simulator's only source of time: injected, so a test or the demo can run hours of sim time in seconds. */
export interface SimClock {
  /** Milliseconds since the epoch. */
  now(): number;
}

/** 2026-11-24T10:00:00Z, the default start of sim time. */
export const DEFAULT_START_MS = Date.UTC(2026, 10, 24, 10, 0, 0);

/** A clock that only moves when told to. */
export class ManualClock implements SimClock {
  private ms: number;

  constructor(startMs: number = DEFAULT_START_MS) {
    assertFinite(startMs);
    this.ms = startMs;
  }

  now(): number {
    return this.ms;
  }

  advance(ms: number): void {
    assertFinite(ms);
    this.ms += ms;
  }

  set(ms: number): void {
    assertFinite(ms);
    this.ms = ms;
  }
}

function assertFinite(ms: number): void {
  if (!Number.isFinite(ms)) throw new RangeError(`clock time must be a finite number of ms, got ${ms}`);
}

/**
 * Sim time running `factor` times faster than a real clock, for `pooler-watch demo` (e.g. 60: a sim minute
 * per real second). The real clock is injected too; it defaults to Date.now only here, at the edge.
 */
export class AcceleratedClock implements SimClock {
  private readonly realStart: number;

  constructor(
    private readonly factor: number,
    private readonly startMs: number = DEFAULT_START_MS,
    private readonly realNow: () => number = Date.now,
  ) {
    if (!(factor > 0) || !Number.isFinite(factor)) throw new RangeError(`factor must be a positive number, got ${factor}`);
    assertFinite(startMs);
    this.realStart = realNow();
  }

  now(): number {
    return this.startMs + (this.realNow() - this.realStart) * this.factor;
  }
}
