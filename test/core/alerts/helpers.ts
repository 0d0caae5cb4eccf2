import type { AlertPolicy } from '../../../functions/config/schema.ts';
import type { Finding, Severity } from '../../../functions/core/types.ts';

export const policy: AlertPolicy = { forEvaluations: 2, for: 0, resolveAfterEvaluations: 3, repeatInterval: 1_000 };

export function finding(overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'memory-pressure',
    severity: 'warning' as Severity,
    pod: 'pool-0',
    target: 'pool-0',
    summary: 'working set at 91% of the limit',
    evidence: { ratio: 0.91 },
    hint: 'look at binary memory',
    promql: 'container_memory_working_set_bytes',
    ...overrides,
  };
}
