import type { RunbookSelectors } from '../../config/metric-names.ts';
import type { Finding, TargetKind } from '../types.ts';

/** The target a built-in check speaks about; for `kind: metrics` its name stands for the pod. */
export interface CheckTarget {
  name: string;
  /** Open-ended: a new target kind is scoped like federate (namespace only) until it says otherwise. */
  kind: TargetKind | (string & {});
}

/** A finding about a target: pod and target are both its name, as for `scrape-failed`. */
export function targetFinding(target: CheckTarget, f: Omit<Finding, 'pod' | 'target'>): Finding {
  return { ...f, pod: target.name, target: target.name };
}

function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/**
 * The selector of the target's own series in Prometheus: namespace and job from config, plus the pod for a
 * pod's /metrics. A federate target stands for many pods, so it is scoped to the namespace only.
 */
export function targetSelector(target: CheckTarget, selectors: RunbookSelectors, extra: ReadonlyArray<readonly [string, string, string?]> = []): string {
  const pairs: Array<readonly [string, string, string?]> =
    target.kind === 'metrics'
      ? [['namespace', selectors.namespace], ['job', selectors.job], ['pod', target.name]]
      : [['namespace', selectors.namespace]];
  return [...extra, ...pairs].map(([k, v, op]) => `${k}${op ?? '='}${quote(v)}`).join(', ');
}

/** The families holding the most series: where a cardinality explosion shows first. */
export function topFamiliesQuery(target: CheckTarget, selectors: RunbookSelectors): string {
  return `topk(10, count by (__name__) ({${targetSelector(target, selectors)}}))`;
}

/** A RE2 alternation matching exactly these names. */
export function nameAlternation(names: readonly string[]): string {
  return names.map((n) => n.replace(/[\\.^$|?*+()[\]{}]/g, '\\$&')).join('|');
}
