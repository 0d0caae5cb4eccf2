import { appFamilies } from './app-families.ts';
import type { SimFamily, SimSample } from './families.ts';
import { appTargetLabels, kubeFamilies } from './kube-families.ts';
import type { SimModel } from './model.ts';
import { parseSelector, selectorMatches, SelectorError } from './selector.ts';

/** Content type of both endpoints (Prometheus text format 0.0.4). */
export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** At most this many `match[]` parameters, like a sensible proxy in front of Prometheus would allow. */
export const MAX_MATCHERS = 64;

/** Pod `index`'s own /metrics body: `# HELP`/`# TYPE`, no pod label, no timestamps. */
export function renderAppMetrics(model: SimModel, podIndex: number): string {
  const lines: string[] = [];
  for (const family of appFamilies(model, podIndex)) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`);
    lines.push(`# TYPE ${family.name} ${family.type}`);
    for (const s of family.samples) lines.push(sampleLine(s));
  }
  return lines.join('\n') + '\n';
}

/**
 * Prometheus /federate body for every pod: series matching any selector, grouped by name, each line
 * timestamped with the model time (ms). Like Prometheus (which keeps no metadata for federation), every
 * family is `untyped` and a histogram's `_bucket`/`_sum`/`_count` are separate families.
 * Throws SelectorError when `match` is empty or a selector is malformed.
 */
export function renderFederate(model: SimModel, match: readonly string[]): string {
  if (match.length === 0) throw new SelectorError('match[] parameter is required');
  if (match.length > MAX_MATCHERS) throw new SelectorError(`at most ${MAX_MATCHERS} match[] parameters`);
  const selectors = match.map(parseSelector);
  const byName = new Map<string, SimSample[]>();
  for (let i = 0; i < model.pods.length; i++) {
    const target = appTargetLabels(model, i);
    const app = appFamilies(model, i).map((f) => withLabels(f, target));
    for (const family of [...kubeFamilies(model, i), ...app]) {
      for (const s of family.samples) {
        if (!selectors.some((sel) => selectorMatches(sel, s.name, s.labels))) continue;
        const list = byName.get(s.name) ?? [];
        list.push(s);
        byName.set(s.name, list);
      }
    }
  }
  const ts = String(Math.round(model.timeMs));
  const lines: string[] = [];
  for (const name of [...byName.keys()].sort()) {
    lines.push(`# TYPE ${name} untyped`);
    for (const s of byName.get(name)!) lines.push(`${sampleLine(s, true)} ${ts}`);
  }
  return lines.length === 0 ? '' : lines.join('\n') + '\n';
}

function withLabels(family: SimFamily, extra: Record<string, string>): SimFamily {
  return { ...family, samples: family.samples.map((s) => ({ ...s, labels: { ...s.labels, ...extra } })) };
}

function sampleLine(s: SimSample, sortLabels = false): string {
  const entries = Object.entries(s.labels);
  if (sortLabels) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const labels = entries.map(([k, v]) => `${k}="${escapeLabelValue(v)}"`).join(',');
  return `${s.name}${labels ? `{${labels}}` : ''} ${formatValue(s.value)}`;
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

function escapeLabelValue(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}
