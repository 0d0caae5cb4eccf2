import { describe, expect, it } from 'vitest';
import { buckets, federateSnapshot, feed, names, newHistory, run } from './builders.ts';

function requests(ok: number, errors: number) {
  const h = newHistory();
  const now = feed(h, 21, (t, i) => federateSnapshot(t, {
    p: {
      extra: [
        { name: names.httpRequests, labels: { method: 'POST', status_class: '2xx' }, value: ok * i },
        { name: names.httpRequests, labels: { method: 'POST', status_class: '5xx' }, value: errors * i },
      ],
    },
  }));
  return run(h, now, 'http-5xx-ratio');
}

describe('http-5xx-ratio', () => {
  it('warns at ≥ 5% 5xx', () => {
    const [f] = requests(90, 10);
    expect(f?.evidence.ratio).toBeCloseTo(0.1, 6);
    expect(f?.promql).toContain('sum by (method, status_class)');
  });

  it('is silent below 5% or without traffic', () => {
    expect(requests(97, 3)).toEqual([]);
    expect(requests(0, 0)).toEqual([]);
  });
});

describe('http-latency-p95', () => {
  function latency(cum: Record<string, number>) {
    const h = newHistory();
    const now = feed(h, 21, (t, i) =>
      federateSnapshot(t, { p: { extra: buckets(names.httpDuration, Object.fromEntries(Object.entries(cum).map(([le, n]) => [le, n * i]))) } }),
    );
    return run(h, now, 'http-latency-p95');
  }

  it('warns at p95 ≥ 2 s', () => {
    // rank 19 of 20 in (2.5, 10] holding 10 from 10 → 2.5 + 7.5 × 9/10 = 9.25 s
    expect(latency({ '0.5': 5, '2.5': 10, '10': 20, '+Inf': 20 })[0]?.evidence.p95Seconds).toBeCloseTo(9.25, 6);
  });

  it('is silent when fast', () => {
    expect(latency({ '0.5': 20, '2.5': 20, '10': 20, '+Inf': 20 })).toEqual([]);
  });
});
