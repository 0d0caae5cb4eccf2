import { describe, expect, it } from 'vitest';
import { nonBeamQuery, quantileQuery, restartsQuery, sumRateQuery, workingSetQuery } from '../../../functions/core/heuristics/promql.ts';
import { context, names, T0 } from './builders.ts';

/** Verbatim from the operators' runbook (codex-pooler-monitoring.md, "Useful PromQL"). */
const RUNBOOK = {
  workingSet: `max by (pod) (
  container_memory_working_set_bytes{namespace="codex-pooler", container="app", image!=""}
)`,
  nonBeam: `clamp_min(
  max by (pod) (
    container_memory_working_set_bytes{
      namespace="codex-pooler",
      container="app",
      image!=""
    }
  )
  - on (pod)
  max by (pod) (
    vm_memory_total_bytes{namespace="codex-pooler", job="codex-pooler-app"}
  ),
  0
)`,
  restarts: `increase(kube_pod_container_status_restarts_total{
  namespace="codex-pooler",
  exported_container="app"
}[15m])`,
  unknownSource: `sum by (pod, command) (
  rate(codex_pooler_repo_query_count{
    namespace="codex-pooler",
    job="codex-pooler-app",
    source="unknown"
  }[5m])
)`,
  httpStatus: `sum by (method, status_class) (
  rate(codex_pooler_http_request_count{
    namespace="codex-pooler",
    job="codex-pooler-app"
  }[5m])
)`,
  admissionEnqueued: `sum by (route_class, transport) (
  rate(codex_pooler_gateway_admission_enqueued_count{
    namespace="codex-pooler",
    job="codex-pooler-app"
  }[5m])
)`,
  admissionQueue: `histogram_quantile(0.95,
  sum by (le, route_class, transport) (
    rate(codex_pooler_gateway_admission_dequeued_time_seconds_bucket{
      namespace="codex-pooler",
      job="codex-pooler-app"
    }[5m])
  )
)`,
  dbQueue: `histogram_quantile(0.95,
  sum by (le, pod) (
    rate(codex_pooler_repo_query_queue_time_seconds_bucket{
      namespace="codex-pooler",
      job="codex-pooler-app"
    }[5m])
  )
)`,
};

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
