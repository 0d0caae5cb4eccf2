import type { EvalContext } from './types.ts';

/**
 * PromQL for findings: the runbook's queries (codex-pooler-monitoring.md, "Useful PromQL") with the selectors
 * from config and the pod filled in, so an operator can paste them as they are.
 */

/** A PromQL string literal: quotes, backslashes and newlines escaped. */
export function promqlString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `k="v", k2!="v2"` from [key, value, op?] triples. */
function labels(pairs: readonly (readonly [string, string, string?])[], sep = ', '): string {
  return pairs.map(([k, v, op]) => `${k}${op ?? '='}${promqlString(v)}`).join(sep);
}

function cadvisor(ctx: EvalContext, pod: string, sep = ', '): string {
  const s = ctx.selectors;
  return labels([['namespace', s.namespace], ['container', s.container], ['image', '', '!='], ['pod', pod]], sep);
}

function app(ctx: EvalContext, pod: string, extra: readonly (readonly [string, string])[] = []): string {
  return labels([['namespace', ctx.selectors.namespace], ['job', ctx.selectors.job], ...extra, ['pod', pod]]);
}

function appBlock(ctx: EvalContext, pod: string, indent: string, extra: readonly (readonly [string, string])[] = []): string {
  return labels([['namespace', ctx.selectors.namespace], ['job', ctx.selectors.job], ...extra, ['pod', pod]], `,\n${indent}`);
}

/** The runbook's working-set query for one pod. */
export function workingSetQuery(ctx: EvalContext, pod: string, metric = ctx.names.workingSet): string {
  return `max by (pod) (\n  ${metric}{${cadvisor(ctx, pod)}}\n)`;
}

function kubeLimit(ctx: EvalContext, pod: string): string {
  const s = ctx.selectors;
  return `${ctx.names.kubeLimit}{${labels([['namespace', s.namespace], ['exported_container', s.container], ['resource', 'memory'], ['pod', pod]])}}`;
}

/** Working set (or another cgroup metric) as a share of the pod's memory limit. */
export function memoryRatioQuery(ctx: EvalContext, pod: string, metric = ctx.names.workingSet): string {
  return `${workingSetQuery(ctx, pod, metric)}\n/ on (pod)\nmax by (pod) (\n  ${kubeLimit(ctx, pod)}\n)`;
}

/** Minutes until the metric reaches the limit at its 30-minute trend (negative or +Inf: never). */
export function timeToLimitQuery(ctx: EvalContext, pod: string, metric: string, rangeMinutes: number): string {
  return (
    `(\n  max by (pod) (${kubeLimit(ctx, pod)})\n  - on (pod)\n  max by (pod) (${metric}{${cadvisor(ctx, pod)}})\n)\n` +
    `/ on (pod)\nmax by (pod) (deriv(${metric}{${cadvisor(ctx, pod)}}[${rangeMinutes}m])) / 60`
  );
}

/**
 * Minutes until the pod's BEAM total reaches `limitBytes` at its trend: time-to-oom's query when it projects BEAM total
 * (no cgroup series, e.g. `kind: metrics`). The limit is the number the finding used, often `assumedLimitBytes`,
 * which no series holds.
 */
export function beamTimeToLimitQuery(ctx: EvalContext, pod: string, limitBytes: number, rangeMinutes: number): string {
  const beam = `${ctx.names.beamTotal}{${app(ctx, pod)}}`;
  return `(\n  ${limitBytes}\n  - max by (pod) (${beam})\n)\n/ on (pod)\nmax by (pod) (deriv(${beam}[${rangeMinutes}m])) / 60`;
}

/** A BEAM gauge of one pod, as in the runbook's `vm_memory_*` block. */
export function beamQuery(ctx: EvalContext, pod: string, metric: string): string {
  return `${metric}{${app(ctx, pod)}}`;
}

/**
 * The runbook's "cgroup memory not explained by BEAM total" query for one pod; `metric` replaces its working set
 * when the finding measured the gap on RSS, so the query shows the finding's number.
 */
export function nonBeamQuery(ctx: EvalContext, pod: string, metric = ctx.names.workingSet): string {
  const s = ctx.selectors;
  const ws = labels([['namespace', s.namespace], ['container', s.container], ['image', '', '!='], ['pod', pod]], ',\n      ');
  return [
    'clamp_min(',
    '  max by (pod) (',
    `    ${metric}{`,
    `      ${ws}`,
    '    }',
    '  )',
    '  - on (pod)',
    '  max by (pod) (',
    `    ${ctx.names.beamTotal}{${app(ctx, pod)}}`,
    '  ),',
    '  0',
    ')',
  ].join('\n');
}

/** The runbook's restart query for one pod. */
export function restartsQuery(ctx: EvalContext, pod: string, minutes: number): string {
  const s = ctx.selectors;
  return `increase(${ctx.names.restarts}{\n  ${labels([['namespace', s.namespace], ['exported_container', s.container], ['pod', pod]], ',\n  ')}\n}[${minutes}m])`;
}

/** The last terminated reason of the pod's app container. */
export function lastReasonQuery(ctx: EvalContext, pod: string): string {
  const s = ctx.selectors;
  return `${ctx.names.lastTerminatedReason}{${labels([['namespace', s.namespace], ['exported_container', s.container], ['pod', pod]])}} == 1`;
}

/** `rate(metric{...}[Nm])` for one pod (the runbook's stream-buffer shape with the selectors added). */
export function rateQuery(ctx: EvalContext, pod: string, metric: string, minutes: number, extra: readonly (readonly [string, string])[] = []): string {
  return `rate(${metric}{${app(ctx, pod, extra)}}[${minutes}m])`;
}

/** `sum by (by) (rate(metric{...}[Nm]))` in the runbook's layout. */
export function sumRateQuery(ctx: EvalContext, pod: string, metric: string, minutes: number, by: readonly string[], extra: readonly (readonly [string, string])[] = []): string {
  return `sum by (${by.join(', ')}) (\n  rate(${metric}{\n    ${appBlock(ctx, pod, '    ', extra)}\n  }[${minutes}m])\n)`;
}

/** The runbook's `histogram_quantile(0.95, sum by (le, ...) (rate(family_bucket{...}[5m])))` for one pod. */
export function quantileQuery(ctx: EvalContext, pod: string, family: string, minutes: number, by: readonly string[], quantile = 0.95): string {
  return `histogram_quantile(${quantile},\n  sum by (${['le', ...by].join(', ')}) (\n    rate(${family}_bucket{\n      ${appBlock(ctx, pod, '      ')}\n    }[${minutes}m])\n  )\n)`;
}
