import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { parseExposition } from '../functions/core/exposition/parse.ts';
import { federatePayload } from './federate-payload.ts';

/** Result of one benchmark run; `ratio` is our throughput over the baseline's. */
export interface ParserBenchResult {
  mbPerSec: number;
  baselineMbPerSec: number;
  ratio: number;
  bytes: number;
  series: number;
}

const WARMUP_RUNS = 5;
const MEASURED_RUNS = 15;

/**
 * A full-GC function for the benchmark only, so neither parser's block starts with the other's garbage
 * still on the heap (the usual `--expose-gc` trick, applied at runtime so `npm run bench` needs no flag).
 */
function fullGc(): () => void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as unknown;
  return typeof gc === 'function' ? (gc as () => void) : () => undefined;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

function timeRuns(runs: number, run: () => unknown): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  return times;
}

/**
 * Parses the same 200-pod federate body with our parser and with `parse-prometheus-text-format`
 * after a warm-up, and compares the median throughput of several runs of each.
 */
export async function benchParser(): Promise<ParserBenchResult> {
  const body = federatePayload();
  const bytes = Buffer.byteLength(body, 'utf8');
  const series = parseExposition(body, 'text').reduce((n, family) => n + family.samples.length, 0);
  const gc = fullGc();
  timeRuns(WARMUP_RUNS, () => parsePrometheusTextFormat(body));
  timeRuns(WARMUP_RUNS, () => parseExposition(body, 'text'));
  // One block per parser, each starting from a clean heap: each pays for its own garbage only.
  gc();
  const ours = timeRuns(MEASURED_RUNS, () => parseExposition(body, 'text'));
  gc();
  const baseline = timeRuns(MEASURED_RUNS, () => parsePrometheusTextFormat(body));
  const mb = bytes / 1e6;
  const oursMs = median(ours);
  const baselineMs = median(baseline);
  const result: ParserBenchResult = {
    mbPerSec: mb / (oursMs / 1000),
    baselineMbPerSec: mb / (baselineMs / 1000),
    ratio: baselineMs / oursMs,
    bytes,
    series,
  };
  const rows: Array<[string, string, string]> = [
    ['parser', 'median ms', 'MB/s'],
    ['pooler-watch parseExposition', oursMs.toFixed(1), result.mbPerSec.toFixed(1)],
    ['parse-prometheus-text-format', baselineMs.toFixed(1), result.baselineMbPerSec.toFixed(1)],
  ];
  console.log(`exposition parser: ${(bytes / 1e6).toFixed(1)} MB federate body, ${series} series, median of ${MEASURED_RUNS} runs (node ${process.version})`);
  for (const [name, ms, rate] of rows) console.log(`  ${name.padEnd(30)} ${ms.padStart(10)} ${rate.padStart(8)}`);
  console.log(`  speed-up: ${result.ratio.toFixed(1)}x (required: 8x)`);
  return result;
}
