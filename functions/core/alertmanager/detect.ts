import type { MetricNames, RunbookSelectors } from '../../config/metric-names.ts';
import { ALERTNAME_PREFIX, isRuleId, metricRules, ruleForAlertname, type RuleId } from './rules.ts';

/** Why an alert counts as one about Codex Pooler (for tests and logs), or `none`. */
export type CodexMatch = 'rule-label' | 'alertname' | 'namespace' | 'job' | 'metric' | 'none';

/** What {@link classifyAlert} decided. `rule` is set only for Codex Pooler alerts whose signal we know. */
export interface Classification {
  match: CodexMatch;
  rule?: RuleId;
}

/** Histogram and summary series names end in these; the family name is what the tables know. */
const SERIES_SUFFIX = /_(?:bucket|sum|count)$/;
/** PromQL identifiers (metric names, label names, functions): a single character class, so linear. */
const IDENTIFIER = /[A-Za-z_:][A-Za-z0-9_:]*/g;

/**
 * The PromQL of the rule that fired, from `generatorURL` (`…/graph?g0.expr=<query>&g0.tab=1`): the only place
 * a v4 payload carries it. Empty when absent or unparseable.
 */
export function alertExpression(generatorURL: string): string {
  if (!generatorURL) return '';
  try {
    return new URL(generatorURL).searchParams.get('g0.expr') ?? '';
  } catch {
    return '';
  }
}

/** Metric names mentioned in an expression, plus the alert's own `__name__` label, in order of appearance. */
function mentionedMetrics(expression: string, labels: Readonly<Record<string, string>>): string[] {
  const names: string[] = [...(expression.match(IDENTIFIER) ?? [])];
  const name = labels.__name__;
  if (name) names.unshift(name);
  return names;
}

/** The rule the metrics point at, and whether one of them is the app's own (BEAM, `codex_pooler_*`). */
function fromMetrics(mentioned: readonly string[], names: MetricNames): { rule?: RuleId; app: boolean } {
  const seen = new Set<string>();
  for (const m of mentioned) {
    seen.add(m);
    seen.add(m.replace(SERIES_SUFFIX, ''));
  }
  const hits = metricRules(names).filter((entry) => seen.has(entry.metric));
  const app = hits.some((h) => h.app);
  // Working set minus BEAM total is the runbook's "memory not explained by BEAM" query.
  if (seen.has(names.workingSet) && seen.has(names.beamTotal) && !hits.some((h) => h.app && h.rule !== 'memory-pressure')) {
    return { rule: 'non-beam-growth', app };
  }
  return hits[0] ? { rule: hits[0].rule, app } : { app };
}

/**
 * Is this alert about Codex Pooler, and which of our signals is it? In order: a `rule` label naming one of our
 * rules; an alertname starting `CodexPooler`; the runbook's `namespace` or `job`; one of the app's metric names
 * in the alert's expression or `__name__`. The rule comes from the `rule` label, else the alertname table, else
 * the metrics. cAdvisor and kube-state-metrics names alone do not make an alert ours (every pod has them).
 */
export function classifyAlert(
  labels: Readonly<Record<string, string>>,
  generatorURL: string,
  ctx: { names: MetricNames; selectors: RunbookSelectors },
): Classification {
  const metrics = fromMetrics(mentionedMetrics(alertExpression(generatorURL), labels), ctx.names);
  const label = labels.rule;
  const named = ruleForAlertname(labels.alertname);
  const rule = isRuleId(label) ? label : (named ?? metrics.rule);
  const match: CodexMatch = isRuleId(label)
    ? 'rule-label'
    : labels.alertname?.startsWith(ALERTNAME_PREFIX)
      ? 'alertname'
      : labels.namespace === ctx.selectors.namespace
        ? 'namespace'
        : labels.job === ctx.selectors.job
          ? 'job'
          : metrics.app
            ? 'metric'
            : 'none';
  if (match === 'none') return { match };
  return rule === undefined ? { match } : { match, rule };
}
