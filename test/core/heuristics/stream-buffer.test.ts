import { describe, expect, it } from 'vitest';
import { federateSnapshot, feed, metricsSnapshot, names, newHistory, run } from './builders.ts';

function scenario(oversizedPerStep: number, truncatedPerStep: number, kind: 'federate' | 'metrics' = 'federate') {
  const h = newHistory();
  const now = feed(h, 21, (t, i) => {
    const extra = [
      { name: names.streamBufferOversized, value: 50 + oversizedPerStep * i },
      { name: names.streamBufferTruncated, value: 7 + truncatedPerStep * i },
    ];
    return kind === 'federate' ? federateSnapshot(t, { p: { extra } }) : metricsSnapshot(t, 'p', { extra });
  });
  return run(h, now, 'stream-buffer');
}

describe('stream-buffer', () => {
  it('warns when oversized or truncated events occur, with per-minute rates', () => {
    const [f] = scenario(1, 0); // 1 per 30 s scrape
    expect(f?.severity).toBe('warning');
    expect(f?.summary).toBe('stream buffer events: 2.0/min oversized, 0.0/min truncated over 5 min');
    expect(f?.promql).toContain('rate(codex_pooler_gateway_stream_buffer_oversized_count_total{');
    expect(scenario(0, 1, 'metrics')[0]?.evidence.truncatedPerSec).toBeCloseTo(1 / 30, 4);
  });

  it('is silent when the counters do not move (non-zero totals are history)', () => {
    expect(scenario(0, 0)).toEqual([]);
  });
});
