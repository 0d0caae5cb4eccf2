import { describe, expect, it } from 'vitest';
import { buckets, federateSnapshot, feed, names, newHistory, run } from './builders.ts';

describe('db-queue-p95', () => {
  function queue(cum: Record<string, number>) {
    const h = newHistory();
    const now = feed(h, 21, (t, i) =>
      federateSnapshot(t, { p: { extra: buckets(names.repoQueueTime, Object.fromEntries(Object.entries(cum).map(([le, n]) => [le, n * i]))) } }),
    );
    return run(h, now, 'db-queue-p95');
  }

  it('warns at p95 ≥ 0.5 s with the runbook query', () => {
    const [f] = queue({ '0.01': 10, '0.1': 12, '1': 20, '+Inf': 20 });
    // rank 19 in (0.1, 1] holding 8 from 12 → 0.1 + 0.9 × 7/8
    expect(f?.evidence.p95Seconds).toBeCloseTo(0.1 + 0.9 * (7 / 8), 3);
    expect(f?.promql).toContain('sum by (le, pod) (');
  });

  it('is silent when queries do not wait', () => {
    expect(queue({ '0.01': 20, '0.1': 20, '1': 20, '+Inf': 20 })).toEqual([]);
  });
});

describe('db-unknown-source', () => {
  function queries(unknownPerStep: number) {
    const h = newHistory();
    const now = feed(h, 21, (t, i) =>
      federateSnapshot(t, {
        p: {
          extra: [
            { name: names.repoQueries, labels: { source: 'accounts', command: 'select' }, value: 50 * i },
            { name: names.repoQueries, labels: { source: 'unknown', command: 'insert' }, value: unknownPerStep * i },
          ],
        },
      }),
    );
    return run(h, now, 'db-unknown-source');
  }

  it('records unknown-source queries as info, by command', () => {
    const [f] = queries(3);
    expect(f?.severity).toBe('info');
    expect(f?.summary).toBe('0.10 queries/s without a known source (insert) over 5 min');
    expect(f?.promql).toContain('source="unknown"');
  });

  it('is silent when every query has a source', () => {
    expect(queries(0)).toEqual([]);
  });
});
