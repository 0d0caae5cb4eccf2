import { describe, expect, it } from 'vitest';
import { nonBeamQuery, quantileQuery, restartsQuery, sumRateQuery, workingSetQuery } from '../../../functions/core/heuristics/promql.ts';
import { context, names, T0 } from './builders.ts';
import { RUNBOOK } from '../../fixtures/runbook-promql.ts';


const ctx = context(T0);
/** The query without the pod matcher we add: must then be the runbook's text. */
const unpod = (q: string) => q.replace(/,\s*pod="p"/g, '');

describe('PromQL in findings', () => {
  it('reproduces the runbook queries verbatim, plus the pod', () => {
    expect(unpod(workingSetQuery(ctx, 'p'))).toBe(RUNBOOK.workingSet);
    expect(unpod(nonBeamQuery(ctx, 'p'))).toBe(RUNBOOK.nonBeam);
    expect(unpod(restartsQuery(ctx, 'p', 15))).toBe(RUNBOOK.restarts);
    expect(unpod(sumRateQuery(ctx, 'p', names.repoQueries, 5, ['pod', 'command'], [['source', 'unknown']]))).toBe(RUNBOOK.unknownSource);
    expect(unpod(sumRateQuery(ctx, 'p', names.httpRequests, 5, ['method', 'status_class']))).toBe(RUNBOOK.httpStatus);
    expect(unpod(sumRateQuery(ctx, 'p', names.admissionEnqueued, 5, ['route_class', 'transport']))).toBe(RUNBOOK.admissionEnqueued);
    expect(unpod(quantileQuery(ctx, 'p', names.admissionQueueTime, 5, ['route_class', 'transport']))).toBe(RUNBOOK.admissionQueue);
    expect(unpod(quantileQuery(ctx, 'p', names.repoQueueTime, 5, ['pod']))).toBe(RUNBOOK.dbQueue);
  });

  it('puts the pod in every selector', () => {
    expect(nonBeamQuery(ctx, 'p').match(/pod="p"/g)).toHaveLength(2);
    expect(workingSetQuery(ctx, 'p')).toContain('image!="", pod="p"}');
  });

  it('escapes label values', () => {
    expect(workingSetQuery(ctx, 'a"b\\c')).toContain('pod="a\\"b\\\\c"');
  });
});
