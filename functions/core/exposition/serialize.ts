import type { Exemplar, ExpositionFormat, MetricFamily, Sample } from './types.ts';

function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

/** Text HELP escapes only `\` and line feeds (expfmt rejects `\"` there); OpenMetrics also escapes quotes. */
function escapeHelp(help: string, format: ExpositionFormat): string {
  const special = format === 'openmetrics' ? /[\\"\n]/g : /[\\\n]/g;
  return help.replace(special, (c) => (c === '\n' ? '\\n' : `\\${c}`));
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return Object.is(value, -0) ? '-0' : String(value);
}

function formatLabels(labels: Record<string, string>): string {
  const pairs = Object.keys(labels).map((name) => `${name}="${escapeLabelValue(labels[name]!)}"`);
  return `{${pairs.join(',')}}`;
}

/** Sample timestamps are milliseconds; OpenMetrics writes seconds. */
function formatTimestamp(ms: number, format: ExpositionFormat): string {
  return format === 'openmetrics' ? String(ms / 1000) : String(ms);
}

function formatExemplar(exemplar: Exemplar): string {
  const ts = exemplar.timestamp === undefined ? '' : ` ${formatTimestamp(exemplar.timestamp, 'openmetrics')}`;
  return ` # ${formatLabels(exemplar.labels)} ${formatNumber(exemplar.value)}${ts}`;
}

function formatSample(sample: Sample, format: ExpositionFormat): string {
  const labels = Object.keys(sample.labels).length === 0 ? '' : formatLabels(sample.labels);
  const ts = sample.timestamp === undefined ? '' : ` ${formatTimestamp(sample.timestamp, format)}`;
  const exemplar = format === 'openmetrics' && sample.exemplar !== undefined ? formatExemplar(sample.exemplar) : '';
  return `${sample.name}${labels} ${formatNumber(sample.value)}${ts}${exemplar}\n`;
}

/**
 * Writes families back as an exposition: `HELP`, `TYPE` (always, so the type survives a round trip),
 * `UNIT` and exemplars for OpenMetrics, then the samples, and `# EOF` for OpenMetrics. The inverse of
 * `parseExposition` for anything it returns; used by tests, the simulator and recordings.
 */
export function serializeExposition(families: MetricFamily[], format: ExpositionFormat): string {
  const out: string[] = [];
  for (const family of families) {
    if (family.help !== undefined) out.push(`# HELP ${family.name} ${escapeHelp(family.help, format)}\n`);
    out.push(`# TYPE ${family.name} ${family.type}\n`);
    if (format === 'openmetrics' && family.unit !== undefined) out.push(`# UNIT ${family.name} ${family.unit}\n`);
    for (const sample of family.samples) out.push(formatSample(sample, format));
  }
  if (format === 'openmetrics') out.push('# EOF\n');
  return out.join('');
}
