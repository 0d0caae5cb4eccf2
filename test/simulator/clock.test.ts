import { describe, expect, it } from 'vitest';
import { AcceleratedClock, DEFAULT_START_MS, ManualClock } from '../../functions/simulator/index.ts';

describe('ManualClock', () => {
  it('starts at 2026-11-24T10:00:00Z by default and only moves when told', () => {
    const clock = new ManualClock();
    expect(new Date(clock.now()).toISOString()).toBe('2026-11-24T10:00:00.000Z');
    expect(clock.now()).toBe(DEFAULT_START_MS);
    clock.advance(1_500);
    expect(clock.now()).toBe(DEFAULT_START_MS + 1_500);
    clock.set(42);
    expect(clock.now()).toBe(42);
    expect(new ManualClock(7).now()).toBe(7);
  });

  it('rejects non-finite times', () => {
    expect(() => new ManualClock(Number.NaN)).toThrow(RangeError);
    expect(() => new ManualClock().advance(Infinity)).toThrow(RangeError);
    expect(() => new ManualClock().set(Number.NaN)).toThrow(RangeError);
  });
});

describe('AcceleratedClock', () => {
  it('runs sim time factor times faster than the injected real clock', () => {
    let real = 1_000;
    const clock = new AcceleratedClock(60, DEFAULT_START_MS, () => real);
    expect(clock.now()).toBe(DEFAULT_START_MS);
    real += 1_000;
    expect(clock.now()).toBe(DEFAULT_START_MS + 60_000);
  });

  it('rejects a non-positive factor', () => {
    expect(() => new AcceleratedClock(0)).toThrow(RangeError);
    expect(() => new AcceleratedClock(-2)).toThrow(RangeError);
  });
});
