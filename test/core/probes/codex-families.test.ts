import { describe, expect, it } from 'vitest';
import { DEFAULT_EXPECTED_FAMILIES } from '../../../functions/config/builtin-checks.ts';
import { defaultMetricNames, MetricNames, RunbookSelectors } from '../../../functions/config/metric-names.ts';
import type { MetricFamily } from '../../../functions/core/exposition/types.ts';
import { expectedFamilies, FAMILIES_HINTS, FAMILIES_MISSING_RULE } from '../../../functions/core/probes/codex-checks.ts';
import type { Snapshot, TargetKind } from '../../../functions/core/types.ts';

const selectors = RunbookSelectors.parse({});
const ALL = DEFAULT_EXPECTED_FAMILIES.map((k) => defaultMetricNames[k]);

function family(name: string, samples = 1): MetricFamily {
  return { name, type: 'gauge', samples: Array.from({ length: samples }, () => ({ name, labels: {}, value: 1 })) };
}
function snapshot(families: MetricFamily[], kind: TargetKind = 'metrics'): Snapshot {
  return { ts: 1_000, target: 'codex-pooler-app-0', kind, families };
}
const check = (s: Snapshot, names: MetricNames = defaultMetricNames) =>
  expectedFamilies({ snapshot: s, expected: DEFAULT_EXPECTED_FAMILIES, names, selectors, severity: 'warning' });

describe('expectedFamilies', () => {
  it('is quiet when every runbook family is served', () => {
    expect(check(snapshot(ALL.map((n) => family(n))))).toBeUndefined();
  });

  it('names the missing families, keeps the partial hint, and gives PromQL over exactly the expected names', () => {
    const served = ALL.filter((n) => n !== defaultMetricNames.beamBinary && n !== defaultMetricNames.portCount);
    const f = check(snapshot(served.map((n) => family(n))))!;
    expect(f).toMatchObject({ rule: FAMILIES_MISSING_RULE, severity: 'warning', pod: 'codex-pooler-app-0', target: 'codex-pooler-app-0' });
    expect(f.summary).toContain('lacks 2 of 13');
    expect(f.summary).toContain('vm_memory_binary_bytes');
    expect(f.evidence).toMatchObject({ missing: 2, expected: 13, families: 'vm_memory_binary_bytes,vm_system_counts_port_count' });
    expect(f.hint).toBe(FAMILIES_HINTS.partial);
    expect(f.promql).toContain('__name__=~"vm_memory_total_bytes|');
    expect(f.promql).toContain('pod="codex-pooler-app-0"');
  });

  it('says the reporter is not started when no BEAM memory family is there (a worker or scheduler pod)', () => {
    const f = check(snapshot([family('process_cpu_seconds_total')]))!;
    expect(f.hint).toBe(FAMILIES_HINTS.noReporter);
    expect(f.hint).toMatch(/worker and scheduler/i);
    expect(f.hint).toMatch(/sampler logs/);
    expect(f.summary).toContain('and 8 more');
    expect(check(snapshot([]))!.evidence.missing).toBe(13);
  });

  it('counts a family declared with no samples as missing', () => {
    const families = ALL.map((n) => family(n, n === defaultMetricNames.beamTotal ? 0 : 1));
    expect(check(snapshot(families))!.evidence.families).toBe('vm_memory_total_bytes');
  });

  it('follows relabelled names from metricNames, never literals', () => {
    const names = MetricNames.parse({ beamTotal: 'beam_total_renamed' });
    const served = ALL.filter((n) => n !== defaultMetricNames.beamTotal).map((n) => family(n));
    expect(check(snapshot(served), names)!.evidence.families).toBe('beam_total_renamed');
    expect(check(snapshot([...served, family('beam_total_renamed')]), names)).toBeUndefined();
  });

  it('ignores federate snapshots: their content is whatever match[] selected', () => {
    expect(check(snapshot([], 'federate'))).toBeUndefined();
  });

  it('escapes a hostile configured name in the PromQL', () => {
    const names = MetricNames.parse({ beamTotal: 'a"b|c\\' });
    const f = expectedFamilies({ snapshot: snapshot([]), expected: ['beamTotal'], names, selectors, severity: 'info' })!;
    expect(f.severity).toBe('info');
    expect(f.promql).toBe('group by (__name__) ({__name__=~"a\\"b\\\\|c\\\\\\\\", namespace="codex-pooler", job="codex-pooler-app", pod="codex-pooler-app-0"})');
  });
});
