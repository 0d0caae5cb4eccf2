import { describe, expect, it } from 'vitest';
import { callTimeout, DEFAULT_CHANNEL_TIMEOUT_MS } from '../../functions/channels/channel.ts';

describe('callTimeout', () => {
  it("is the channel's own timeout within the attempt's budget, 10 s by default", () => {
    expect(callTimeout(undefined, { timeoutMs: 60_000 })).toBe(DEFAULT_CHANNEL_TIMEOUT_MS);
    expect(callTimeout(3_000, { timeoutMs: 60_000 })).toBe(3_000);
    expect(callTimeout(30_000, { timeoutMs: 2_500 })).toBe(2_500);
  });

  it('is never 0 (axios would wait forever), even with the budget spent', () => {
    expect(callTimeout(undefined, { timeoutMs: 0 })).toBe(1);
    expect(callTimeout(5_000, { timeoutMs: -20 })).toBe(1);
  });
});
