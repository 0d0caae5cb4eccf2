/**
 * Generates codex-pooler-prometheusrule.yaml (a Prometheus Operator `PrometheusRule`) from codex-pooler-rules.yaml,
 * so the two never drift: the plain rules file is the source, promtool checks and unit-tests it.
 *
 *   npx tsx infra/prometheus/generate-prometheusrule.ts          # rewrite the PrometheusRule
 *   npx tsx infra/prometheus/generate-prometheusrule.ts --check  # exit 1 if the committed one is stale
 *
 * test/infra/prometheus-rules.test.ts asserts the committed file equals {@link buildPrometheusRule}'s output.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
export const RULES_PATH = join(here, 'codex-pooler-rules.yaml');
export const PROMETHEUS_RULE_PATH = join(here, 'codex-pooler-prometheusrule.yaml');

const HEADER = [
  '# GENERATED from codex-pooler-rules.yaml by infra/prometheus/generate-prometheusrule.ts: do not edit by hand.',
  '# Regenerate: npx tsx infra/prometheus/generate-prometheusrule.ts',
  '#',
  '# The `release: kube-prometheus-stack` label matches kube-prometheus-stack\'s default ruleSelector; change it to',
  "# your Prometheus' `ruleSelector`. The resource lives in the codex-pooler namespace so the rules keep working when",
  '# the operator enforces a namespace label (enforcedNamespaceLabel). See codex-pooler-rules.yaml for the label',
  '# conventions (direct-scrape `container="app"` for cAdvisor and kube-state-metrics).',
  '',
].join('\n');

/** The rules file's `groups`, as Prometheus reads them. */
interface RuleGroups {
  groups: unknown[];
}

function isRuleGroups(value: unknown): value is RuleGroups {
  return typeof value === 'object' && value !== null && Array.isArray((value as { groups?: unknown }).groups);
}

/** The PrometheusRule manifest (YAML text) for the given rules file text. Pure: same input, same output. */
export function buildPrometheusRule(rulesYaml: string): string {
  const rules: unknown = parse(rulesYaml);
  if (!isRuleGroups(rules)) throw new Error('rules file has no `groups` list');
  const resource = {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: 'codex-pooler',
      namespace: 'codex-pooler',
      labels: {
        release: 'kube-prometheus-stack',
        'app.kubernetes.io/name': 'codex-pooler',
        'app.kubernetes.io/component': 'alerting-rules',
        'app.kubernetes.io/part-of': 'pooler-watch',
      },
    },
    spec: { groups: rules.groups },
  };
  return HEADER + stringify(resource, { lineWidth: 0 });
}

function main(argv: readonly string[]): number {
  const generated = buildPrometheusRule(readFileSync(RULES_PATH, 'utf8'));
  if (argv.includes('--check')) {
    let committed = '';
    try {
      committed = readFileSync(PROMETHEUS_RULE_PATH, 'utf8');
    } catch {
      // missing counts as stale
    }
    if (committed === generated) return 0;
    console.error(`${PROMETHEUS_RULE_PATH} is stale: run npx tsx infra/prometheus/generate-prometheusrule.ts`);
    return 1;
  }
  writeFileSync(PROMETHEUS_RULE_PATH, generated);
  console.log(`wrote ${PROMETHEUS_RULE_PATH}`);
  return 0;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.exitCode = main(process.argv.slice(2));
}
