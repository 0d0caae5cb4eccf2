// `npm run bench`: every benchmark side by side with its baseline, in one run. Numbers go in the README.
// Each benchmark runs in a fresh process that loads only its own modules: a heap holding every other benchmark's
// code made the parser's GC-heavy run ~30% slower, which measured the harness, not the parser.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benches: Record<string, () => Promise<unknown>> = {
  parser: async () => (await import('./parser.ts')).benchParser(),
  bundles: async () => (await import('./bundles.ts')).benchBundles(),
  receiver: async () => (await import('./receiver.ts')).benchReceiver(),
};

const [only, inChild] = [process.argv[2], process.argv[3] === '--in-process'];
if (inChild && only) {
  await benches[only]!();
} else {
  for (const name of Object.keys(benches)) {
    if (only && only !== name) continue;
    console.log(`\n## ${name}`);
    const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), name, '--in-process'], { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = 1;
  }
}
