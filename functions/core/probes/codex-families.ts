import type { MetricNames, RunbookSelectors } from '../../config/metric-names.ts';
import type { Finding, Severity, Snapshot } from '../types.ts';
import { nameAlternation, targetFinding, targetSelector } from './codex-common.ts';

export const FAMILIES_MISSING_RULE = 'metrics-families-missing';

/** Keys whose absence means the BEAM reporter is not there at all, rather than a renamed family. */
const BEAM_KEYS = ['beamTotal', 'beamProcesses', 'beamBinary', 'beamEts', 'beamSystem'] as const satisfies readonly (keyof MetricNames)[];

export const FAMILIES_HINTS = {
  noReporter:
    'this endpoint serves none of the BEAM memory families: the Prometheus reporter is not started in this role. Worker and scheduler pods do not expose /metrics; watch them through the memory sampler logs and Kubernetes cgroup metrics, and point this target at an app-role pod',
  partial:
    'some families the runbook relies on are missing: if they were relabelled or renamed, set metricNames in the config; otherwise compare the telemetry poller metrics of this app version. The OOM-risk rules that read them are blind for this pod',
} as const;

export interface FamiliesInput {
  snapshot: Snapshot;
  /** MetricNames keys to expect. */
  expected: ReadonlyArray<keyof MetricNames>;
  names: MetricNames;
  selectors: RunbookSelectors;
  severity: Severity;
}

/** Sample names with at least one sample: a `# TYPE` line with no sample is no data for a rule. */
function presentNames(snapshot: Snapshot): Set<string> {
  const present = new Set<string>();
  for (const family of snapshot.families) {
    for (const sample of family.samples) present.add(sample.name);
  }
  return present;
}

/**
 * `metrics-families-missing` when a pod's own /metrics lacks families the runbook relies on. Only `kind: metrics`:
 * a federate payload is filtered by its `match[]` selectors, so a missing family there says nothing about a pod.
 */
export function expectedFamilies(input: FamiliesInput): Finding | undefined {
  const { snapshot, names } = input;
  if (snapshot.kind !== 'metrics') return undefined;
  const present = presentNames(snapshot);
  const wanted = [...new Set(input.expected.map((key) => names[key]))];
  const missing = wanted.filter((name) => !present.has(name));
  if (missing.length === 0) return undefined;
  const noReporter = BEAM_KEYS.every((key) => !present.has(names[key]));
  const target = { name: snapshot.target, kind: snapshot.kind };
  const shown = missing.slice(0, 5).join(', ') + (missing.length > 5 ? ` and ${missing.length - 5} more` : '');
  return targetFinding(target, {
    rule: FAMILIES_MISSING_RULE,
    severity: input.severity,
    summary: `${snapshot.target} /metrics lacks ${missing.length} of ${wanted.length} runbook families: ${shown}`,
    evidence: {
      missing: missing.length,
      expected: wanted.length,
      families: missing.join(','),
      served: snapshot.families.length,
    },
    hint: noReporter ? FAMILIES_HINTS.noReporter : FAMILIES_HINTS.partial,
    promql: `group by (__name__) ({${targetSelector(target, input.selectors, [['__name__', nameAlternation(wanted), '=~']])}})`,
  });
}
