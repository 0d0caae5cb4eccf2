import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RULE_IDS } from '../../functions/core/alertmanager/rules.ts';
import { METRICS_AUTH_OFF_RULE } from '../../functions/core/probes/codex-auth.ts';
import { FAMILIES_MISSING_RULE } from '../../functions/core/probes/codex-families.ts';
import { EXPOSITION_GROWTH_RULE, EXPOSITION_LARGE_RULE, SCRAPE_SLOW_RULE } from '../../functions/core/probes/codex-trends.ts';
import { HTTP_CHECK_DEGRADED_RULE, HTTP_CHECK_FAILED_RULE, TLS_EXPIRY_RULE } from '../../functions/core/probes/http-check-findings.ts';
import type { SamplerRule } from '../../functions/core/sampler/index.ts';
import { SCRAPE_FAILED_RULE } from '../../functions/platform/scrape-failure.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

/** The text of one `## ` section, up to the next one. */
function section(title: string): string {
  const start = readme.indexOf(`\n## ${title}\n`);
  if (start < 0) throw new Error(`README has no "## ${title}" section`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

/** Rule ids in the first cell of table rows: | `rule-id` | ... */
function tableRuleIds(text: string): string[] {
  return [...text.matchAll(/^\| `([a-z0-9-]+)` \|/gm)].map((m) => m[1]!);
}

/**
 * Rule ids the heuristics' sources emit: `rule: 'id'` in a finding, or a kebab-case id passed first to a rule factory
 * (`areaGrowth('ets-growth', …)`). Guards RULE_IDS, which is kept by hand, against a rule added without it.
 */
function heuristicSourceRuleIds(): Set<string> {
  const dir = new URL('../../functions/core/heuristics/', import.meta.url);
  const ids = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
    const src = readFileSync(new URL(file, dir), 'utf8');
    for (const m of src.matchAll(/\brule: '([a-z0-9-]+)'|\w\('([a-z0-9]+(?:-[a-z0-9]+)+)'/g)) ids.add((m[1] ?? m[2])!);
  }
  return ids;
}

// A type-level list: tsc fails when a sampler rule is added or renamed without updating it.
const SAMPLER_RULES: Record<SamplerRule, true> = {
  'sampler-threshold': true,
  'sampler-cgroup-near-limit': true,
  'sampler-queue-growth': true,
  'sampler-repeated': true,
};

/** Rules documented in the other tables: built-in Codex Pooler checks, synthetic HTTP checks, sampler logs. */
const OTHER_RULES = [
  FAMILIES_MISSING_RULE,
  METRICS_AUTH_OFF_RULE,
  SCRAPE_SLOW_RULE,
  EXPOSITION_LARGE_RULE,
  EXPOSITION_GROWTH_RULE,
  HTTP_CHECK_FAILED_RULE,
  HTTP_CHECK_DEGRADED_RULE,
  TLS_EXPIRY_RULE,
  ...(Object.keys(SAMPLER_RULES) as SamplerRule[]),
];

// Not rules of an evaluation, so not in a table: `notify-test` (the CLI's test notification) and `truncated` (the
// summary item of an oversized SQS job).
describe('README rule tables', () => {
  it('RULE_IDS is exactly what the heuristics and scrape failures emit', () => {
    expect(new Set(RULE_IDS)).toEqual(new Set([...heuristicSourceRuleIds(), SCRAPE_FAILED_RULE]));
  });

  it('"OOM-risk heuristics" has one row per rule id of RULE_IDS, and no other', () => {
    const rows = tableRuleIds(section('OOM-risk heuristics'));
    expect(rows.length).toBe(new Set(rows).size);
    expect([...rows].sort()).toEqual([...RULE_IDS].sort());
  });

  it('every other rule id the probe and the sampler-log ingest emit has a table row', () => {
    const rows = new Set(tableRuleIds(readme));
    expect(OTHER_RULES.filter((id) => !rows.has(id))).toEqual([]);
  });
});
