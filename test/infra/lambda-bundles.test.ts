import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { esbuildOptionsFromServerless } from '../../bench/bundles.ts';

// The Lambda bundles built as `npm run package` builds them (serverless.yml custom.esbuild and its plugins): what
// the plugins in infra/aws/esbuild-plugins.cjs promise about them holds.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FUNCTIONS = { dispatch: 'functions/dispatch.ts', probe: 'functions/probe.ts' } as const;
const out = mkdtempSync(join(tmpdir(), 'pw-lambda-bundles-'));
const metas = new Map<string, Metafile>();

beforeAll(async () => {
  const yml = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as { custom: { esbuild: Record<string, unknown> } };
  const options = esbuildOptionsFromServerless(yml.custom.esbuild);
  for (const [name, entry] of Object.entries(FUNCTIONS)) {
    const result = await build({ ...options, entryPoints: [join(ROOT, entry)], outdir: join(out, name), logLevel: 'error', metafile: true });
    metas.set(name, result.metafile);
  }
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Source files with code in the output (the metafile's inputs also list files tree-shaken to nothing). */
const inputs = (name: string): string[] =>
  Object.values(metas.get(name)?.outputs ?? {}).flatMap((o) => Object.entries(o.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([f]) => f));

describe('Lambda bundles', () => {
  it('carry neither the YAML parser (the config is JSON on AWS) nor form-data, and zod without its unused half', () => {
    for (const name of Object.keys(FUNCTIONS)) {
      expect(inputs(name).filter((f) => /node_modules\/(yaml|form-data|mime-db)\//.test(f)), name).toEqual([]);
      expect(inputs(name).filter((f) => /zod\/v4\/(classic\/from-json-schema|core\/compile)\.js$/.test(f)), name).toEqual([]);
    }
  });

  it('load neither undici nor web streams at import, and export the handler', () => {
    for (const name of Object.keys(FUNCTIONS)) {
      const file = pathToFileURL(join(out, name, `${name}.mjs`)).href;
      const script = `const before=new Set(process.moduleLoadList);const m=await import(${JSON.stringify(file)});` +
        `console.log(JSON.stringify({handler:typeof m.handler,loaded:process.moduleLoadList.filter((x)=>!before.has(x))}))`;
      const env = { PATH: process.env.PATH ?? '', TABLE_NAME: 't', QUEUE_URL: 'http://127.0.0.1:9/q', CONFIG_PARAMETER: '/c', AWS_REGION: 'eu-west-1' };
      const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
      expect(run.status, run.stderr).toBe(0);
      const { handler, loaded } = JSON.parse(run.stdout) as { handler: string; loaded: string[] };
      expect(handler, name).toBe('function');
      expect(loaded.filter((m) => /undici|webstreams/.test(m)), name).toEqual([]);
    }
  });
});
