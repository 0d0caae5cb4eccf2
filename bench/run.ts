// `npm run bench`: every benchmark side by side with its baseline, in one run. Numbers go in the README.
import { benchBundles } from './bundles.ts';
import { benchParser } from './parser.ts';
import { benchReceiver } from './receiver.ts';

const only = process.argv[2];
const benches: Record<string, () => Promise<unknown>> = {
  parser: benchParser,
  bundles: benchBundles,
  receiver: benchReceiver,
};

for (const [name, run] of Object.entries(benches)) {
  if (only && only !== name) continue;
  console.log(`\n## ${name}`);
  await run();
}
