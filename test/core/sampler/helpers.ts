import { readFileSync } from 'node:fs';
import { defaultSamplerLogs } from '../../../functions/config/sampler.ts';
import { defaultMetricNames } from '../../../functions/config/metric-names.ts';
import { markerPattern, nameCleaner, parseSamplerLine, type LineDefaults, type LineResult, type SamplerContext, type SamplerSnapshot } from '../../../functions/core/sampler/index.ts';
import { createSanitizer } from '../../../functions/core/sanitize/index.ts';
import { RunbookSelectors } from '../../../functions/config/metric-names.ts';

export const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/sampler/${name}`, import.meta.url), 'utf8');
export const fixturePath = (name: string): string => new URL(`../../fixtures/sampler/${name}`, import.meta.url).pathname;

const marker = markerPattern(defaultSamplerLogs.message);
const clean = nameCleaner(createSanitizer({ secrets: [] }).text);

export function parse(line: string, defaults?: LineDefaults): LineResult {
  return parseSamplerLine(line, { marker, clean, ...(defaults ? { defaults } : {}) });
}

/** Every snapshot of a fixture, in file order. */
export function snapshotsOf(text: string): SamplerSnapshot[] {
  return text.split('\n').flatMap((l) => {
    const r = parse(l);
    return r.kind === 'snapshot' ? [r.snapshot] : [];
  });
}

export const ctx = (over: Partial<SamplerContext['cfg']> = {}): SamplerContext => ({
  cfg: { ...defaultSamplerLogs, ...over },
  names: defaultMetricNames,
  selectors: RunbookSelectors.parse({}),
});

export const MiB = 1024 * 1024;
export const WORKER = 'codex-pooler-worker-7d9f8c6b5-x2k4p';
export const SCHEDULER = 'codex-pooler-scheduler-5c8d7b9f4-q7m2n';
export const WEB = 'codex-pooler-web-6f7c9d8b7-h3j5k';
