import { describe, expect, it } from 'vitest';
import { buckets, federateSnapshot, feed, names, newHistory, run } from './builders.ts';

const route = { route_class: 'responses', transport: 'sse' };

function counters(rejectedPerStep: number, timedOutPerStep: number) {
  const h = newHistory();
  const now = feed(h, 21, (_t, i) => federateSnapshot(_t, {
    p: {
      extra: [
        { name: names.admissionEnqueued, labels: route, value: 100 * i },
        { name: names.admissionRejected, labels: route, value: rejectedPerStep * i },
        { name: names.admissionTimedOut, labels: route, value: timedOutPerStep * i },
      ],
    },
  }));
  return run(h, now, 'admission-rejections');
}

describe('admission-rejections', () => {
  it('warns on rejections or time-outs, with their share of enqueued', () => {
    const [f] = counters(5, 5);
    expect(f?.severity).toBe('warning');
    expect(f?.evidence.ratioToEnqueued).toBeCloseTo(0.1, 6);
    expect(f?.summary).toBe('gateway admission: 10.0/min rejected, 10.0/min timed out (10% of enqueued) over 5 min');
  });

  it('is silent with none', () => {
    expect(counters(0, 0)).toEqual([]);
  });
});

describe('admission-queue-p95', () => {
  function queue(perStep: Record<string, number>, other: Record<string, number>) {
    const h = newHistory();
    const now = feed(h, 21, (t, i) => {
      const scale = (c: Record<string, number>) => Object.fromEntries(Object.entries(c).map(([le, n]) => [le, n * i]));
      return federateSnapshot(t, {
        p: {
          extra: [
            ...buckets(names.admissionQueueTime, scale(perStep), route),
            ...buckets(names.admissionQueueTime, scale(other), { route_class: 'models', transport: 'http' }),
          ],
        },
      });
    });
    return run(h, now, 'admission-queue-p95');
  }

  it('reports the worst route class/transport above 1 s', () => {
    // responses/sse: rank 9.5 of 10 lies in (1, 5] holding 5 from 5 → 1 + 4 × 4.5/5 = 4.6 s.
    const [f] = queue({ '0.1': 2, '1': 5, '5': 10, '+Inf': 10 }, { '0.1': 10, '1': 10, '5': 10, '+Inf': 10 });
    expect(f?.evidence.p95Seconds).toBeCloseTo(4.6, 6);
    expect(f?.summary).toBe('admission queue time p95 4.60 s for responses/sse over 5 min');
    expect(f?.promql).toContain('sum by (le, route_class, transport)');
  });

  it('is silent when every group is fast', () => {
    expect(queue({ '0.1': 10, '1': 10, '5': 10, '+Inf': 10 }, { '0.1': 10, '1': 10, '5': 10, '+Inf': 10 })).toEqual([]);
  });
});
