import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import type { BuildOptions, Plugin } from 'esbuild';
import { parse } from 'yaml';

/** One bundle measured by {@link benchBundles}. */
export interface BundleBenchRow {
  /** Function name in serverless.yml, or `bare` for the one-line baseline. */
  name: string;
  /** Minified size in KB (1 KB = 1024 bytes) of everything shipped: the entry plus its lazily loaded chunks. */
  kb: number;
  /** Of which the entry module, parsed at every cold start. */
  entryKb: number;
  /** Size target in KB (none for the baseline). */
  targetKb?: number;
  /** Median `await import(bundle)` time in a fresh node process, ms. */
  importMs: number;
  /** Median wall time of the whole fresh process (node start-up + import + exit), ms: what a cold start pays. */
  processMs: number;
  /** Median over the rounds of importMs / the baseline's importMs in the same round. */
  importRatio: number;
  /** Median over the rounds of processMs / the baseline's processMs in the same round (the ≤ 3x target). */
  processRatio: number;
}

/** Result of {@link benchBundles}: one row per function whose handler exists, plus the baseline. */
export interface BundleBenchResult {
  rows: BundleBenchRow[];
  /** Functions of serverless.yml whose handler file does not exist yet. */
  missing: string[];
  runs: number;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 15;
/** The size rule: the probe (it scrapes, parses and evaluates) at most 1 MB, every other function 700 KB. */
const sizeTargetKb = (fn: string): number => (fn === 'probe' ? 1024 : 700);
const MAX_PROCESS_RATIO = 3;

/** Options serverless-esbuild consumes itself and removes before calling esbuild (its dist/bundle.js list). */
const PLUGIN_ONLY_OPTIONS = [
  'concurrency',
  'zipConcurrency',
  'exclude',
  'nativeZip',
  'packager',
  'packagePath',
  'watch',
  'keepOutputDirectory',
  'packagerOptions',
  'installExtraArgs',
  'outputFileExtension',
  'outputBuildFolder',
  'outputWorkFolder',
  'nodeExternals',
  'skipBuild',
  'skipRebuild',
  'skipBuildExcludeFns',
  'stripEntryResolveExtensions',
  'disposeContext',
];

interface ServerlessYml {
  custom?: { esbuild?: Record<string, unknown> };
  functions?: Record<string, { handler: string }>;
}

function readServerlessYml(): ServerlessYml {
  // CloudFormation short tags (!Ref, !GetAtt) are irrelevant here: keep them as plain values, quietly.
  return parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as ServerlessYml;
}

/**
 * The esbuild options serverless-esbuild derives from `custom.esbuild` (see its dist/bundle.js): its own keys
 * removed, `exclude` appended to `external`, `.mjs` through `outExtension`, plugins loaded from the file.
 */
export function esbuildOptionsFromServerless(esbuild: Record<string, unknown>): BuildOptions {
  const options: Record<string, unknown> = { ...esbuild };
  for (const key of PLUGIN_ONLY_OPTIONS) delete options[key];
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const exclude = strings(esbuild.exclude);
  options.external = [...strings(esbuild.external), ...(exclude.includes('*') ? [] : exclude)];
  const ext = typeof esbuild.outputFileExtension === 'string' ? esbuild.outputFileExtension : '.js';
  if (ext !== '.js') options.outExtension = { '.js': ext };
  if (typeof esbuild.plugins === 'string') {
    options.plugins = createRequire(import.meta.url)(join(ROOT, esbuild.plugins)) as Plugin[];
  }
  return options as BuildOptions;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** Environment of the measuring process: contract variables set, and no way to reach AWS if a module tried. */
const BENCH_ENV = {
  PATH: process.env.PATH ?? '',
  STAGE: 'bench',
  TABLE_NAME: 'pooler-watch-bench',
  QUEUE_URL: 'http://127.0.0.1:9/000000000000/pooler-watch-bench-delivery',
  CONFIG_PARAMETER: '/pooler-watch/bench/config',
  METRICS_NAMESPACE: 'PoolerWatch',
  // Empty: the webhook's @middy/secrets-manager would prefetch the secret during module init (a network call, not
  // init work); without an id it skips it. A real cold start adds that one GetSecretValue round trip.
  RECEIVER_SECRET_ID: '',
  LOG_LEVEL: 'error',
  AWS_REGION: 'eu-west-1',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
};

/** One fresh `node` that imports the bundle and prints how long `import()` took. */
function coldImport(file: string): { importMs: number; processMs: number } {
  const script = `const t=performance.now();const m=await import(${JSON.stringify(pathToFileURL(file).href)});` +
    `if(typeof m.handler!=='function')throw new Error('no handler export');console.log(performance.now()-t)`;
  const start = performance.now();
  const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: BENCH_ENV, encoding: 'utf8' });
  const processMs = performance.now() - start;
  if (out.status !== 0) throw new Error(`importing ${file} failed: ${out.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  return { importMs: Number(out.stdout.trim()), processMs };
}

/**
 * Every bundle once per round, the baseline first, for `runs` rounds. On a shared machine the load drifts over
 * seconds: interleaving puts each bundle next to a baseline measured under the same load, and each ratio is the
 * median of the per-round ratios rather than a ratio of medians taken minutes apart.
 */
function measureAll(files: string[], runs: number): Array<{ importMs: number; processMs: number; importRatio: number; processRatio: number }> {
  for (const file of files) coldImport(file); // warm the OS file cache, like a Lambda worker that already has the zip on disk
  const samples = files.map(() => [] as Array<{ importMs: number; processMs: number }>);
  for (let round = 0; round < runs; round++) files.forEach((file, i) => samples[i]!.push(coldImport(file)));
  const base = samples[0]!;
  return samples.map((s) => ({
    importMs: median(s.map((x) => x.importMs)),
    processMs: median(s.map((x) => x.processMs)),
    importRatio: median(s.map((x, r) => x.importMs / base[r]!.importMs)),
    processRatio: median(s.map((x, r) => x.processMs / base[r]!.processMs)),
  }));
}

/**
 * Builds each Lambda handler exactly like `npm run package` does (serverless.yml `custom.esbuild`: minified ESM,
 * AWS SDK bundled, same plugins) and a bare one-line handler the same way, then reports the bundle sizes
 * against their targets and the cold module-init time: {@link RUNS} rounds of fresh node processes importing each
 * bundle, interleaved with the bare handler, and the median of the per-round ratios to it.
 */
export async function benchBundles(): Promise<BundleBenchResult> {
  const yml = readServerlessYml();
  const options = esbuildOptionsFromServerless(yml.custom?.esbuild ?? {});
  const outdir = mkdtempSync(join(tmpdir(), 'pooler-watch-bundles-'));
  try {
    const bareEntry = join(outdir, 'bare.ts');
    writeFileSync(bareEntry, 'export const handler = async (): Promise<{ statusCode: number }> => ({ statusCode: 200 });\n');
    const entries: Array<{ name: string; entry: string }> = [{ name: 'bare', entry: bareEntry }];
    const missing: string[] = [];
    for (const [name, fn] of Object.entries(yml.functions ?? {})) {
      const entry = join(ROOT, `${fn.handler.slice(0, fn.handler.lastIndexOf('.'))}.ts`);
      if (existsSync(entry)) entries.push({ name, entry });
      else missing.push(name);
    }
    const ext = (options.outExtension?.['.js'] as string | undefined) ?? '.js';
    const built: Array<{ name: string; file: string; bytes: number; entryBytes: number }> = [];
    for (const { name, entry } of entries) {
      const out = join(outdir, name);
      await build({ ...options, entryPoints: [entry], outdir: out, logLevel: 'error' });
      const file = join(out, entry.slice(entry.lastIndexOf('/') + 1).replace(/\.ts$/, ext));
      const bytes = readdirSync(out, { recursive: true, withFileTypes: true })
        .filter((d) => d.isFile())
        .reduce((n, d) => n + statSync(join(d.parentPath, d.name)).size, 0);
      built.push({ name, file, bytes, entryBytes: statSync(file).size });
    }
    // `built[0]` is the bare handler: the baseline of every round.
    const measured = measureAll(built.map((b) => b.file), RUNS);
    const rows: BundleBenchRow[] = built.map((b, i) => {
      const t = measured[i]!;
      // `built[0]`, the bare handler, is the baseline: it has no target.
      const targetKb = i === 0 ? undefined : sizeTargetKb(b.name);
      return {
        name: b.name,
        kb: b.bytes / 1024,
        entryKb: b.entryBytes / 1024,
        ...(targetKb === undefined ? {} : { targetKb }),
        importMs: t.importMs,
        processMs: t.processMs,
        importRatio: t.importRatio,
        processRatio: t.processRatio,
      };
    });
    print(rows, missing);
    return { rows, missing, runs: RUNS };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function print(rows: BundleBenchRow[], missing: string[]): void {
  console.log(`Lambda bundles (serverless.yml custom.esbuild: minified ESM, AWS SDK bundled), cold init = ${RUNS} interleaved rounds of fresh node processes, medians (ratios: median of per-round ratios) (node ${process.version})`);
  const header = ['bundle', 'KB', 'target KB', 'entry KB', 'import ms', 'x bare', 'process ms', 'x bare'];
  console.log(`  ${header[0]?.padEnd(22)}${header.slice(1).map((h) => h.padStart(11)).join('')}`);
  for (const r of rows) {
    const size = r.targetKb === undefined ? '' : `${r.targetKb}${r.kb <= r.targetKb ? ' ok' : ' OVER'}`;
    const ratio = r.name === 'bare' ? '' : `${r.processRatio.toFixed(2)}${r.processRatio <= MAX_PROCESS_RATIO ? ' ok' : ' OVER'}`;
    const cells = [r.kb.toFixed(0), size, r.entryKb.toFixed(0), r.importMs.toFixed(1), r.importRatio.toFixed(1), r.processMs.toFixed(1), ratio];
    console.log(`  ${r.name.padEnd(22)}${cells.map((c) => c.padStart(11)).join('')}`);
  }
  console.log(`  KB = entry + lazily loaded chunks (all shipped); targets: probe <= 1024 KB, others <= 700 KB; cold init (whole process) <= ${MAX_PROCESS_RATIO}x the bare handler`);
  if (missing.length > 0) console.log(`  not built (handler file missing): ${missing.join(', ')}`);
}
