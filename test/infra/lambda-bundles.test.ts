import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
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
const FUNCTIONS = {
  dispatch: 'functions/dispatch.ts',
  probe: 'functions/probe.ts',
  'alertmanager-webhook': 'functions/alertmanager-webhook.ts',
  'sampler-logs': 'functions/sampler-logs.ts',
} as const;
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

/** Source files with code in the entry or in a chunk it imports statically: what every cold start loads. */
function staticInputs(name: string): string[] {
  const outputs = metas.get(name)?.outputs ?? {};
  const entry = Object.keys(outputs).find((f) => f.endsWith(`/${name}.mjs`));
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file) || !outputs[file]) return;
    seen.add(file);
    for (const i of outputs[file].imports) if (i.kind === 'import-statement') visit(i.path);
  };
  if (entry) visit(entry);
  return [...seen].flatMap((f) => Object.entries(outputs[f]!.inputs).filter(([, i]) => i.bytesInOutput > 0).map(([input]) => input));
}

/** The output chunk built from `entryPoint` (a module the bundle loads with import()). */
function lazyChunk(name: string, entryPoint: string): string {
  const [file] = Object.entries(metas.get(name)?.outputs ?? {}).find(([, o]) => o.entryPoint === entryPoint) ?? [];
  if (!file) throw new Error(`${name}: no chunk for ${entryPoint}`);
  return resolve(ROOT, file);
}

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
      // Built-ins are loaded with process.getBuiltinModule, not through Node's ESM facades, which read every lazy
      // getter of the module (util.parseArgs, process.report, net.BlockList, …) at import.
      expect(loaded.filter((m) => /parse_args|internal\/process\/report|internal\/blocklist|internal\/mime/.test(m)), name).toEqual([]);
    }
  });

  it('import no built-in module through ESM (but node:module for the banner, and namespace imports)', () => {
    for (const name of Object.keys(FUNCTIONS)) {
      for (const file of readdirSync(join(out, name), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.mjs'))) {
        const text = readFileSync(join(out, name, file), 'utf8');
        const builtins = [...text.matchAll(/(?<=^|[;}\n])import\s*[\w$]*\s*,?\s*(?:\{[^}]*\})?\s*(?:from\s*)?"((?:node:)?[a-z_/0-9]+)"/g)].map((m) => m[1]).filter((spec) => spec !== 'node:module');
        expect(builtins, `${name}/${file}`).toEqual([]);
      }
    }
  });

  it('probe, alertmanager-webhook, sampler-logs: only their view of the config, no channel config schema, shipped at all', () => {
    // Each function's view (functions/config/config-view.ts) and the sections it reads; not the whole config.
    const views = {
      probe: { view: 'probe-config', notRead: 'sampler|receiver' },
      'alertmanager-webhook': { view: 'webhook-config', notRead: 'sampler' },
      'sampler-logs': { view: 'sampler-logs-config', notRead: 'receiver' },
    } as const;
    for (const [name, { view, notRead }] of Object.entries(views)) {
      expect(staticInputs(name).some((f) => f.endsWith(`functions/config/${view}.ts`)), name).toBe(true);
      const whole = new RegExp(`functions/channels/(?!channel-types\\.ts)|functions/config/(schema|alerting|validate|${notRead})\\.ts$`);
      expect(inputs(name).filter((f) => whole.test(f)), name).toEqual([]);
    }
    // The pattern does see them where they are: dispatch validates the whole config and builds the channels.
    expect(inputs('dispatch').filter((f) => /functions\/config\/(schema|alerting)\.ts$|functions\/channels\/slack\.ts$/.test(f))).toHaveLength(3);
  });

  it('probe: no SQS or Secrets Manager client in what a cold start loads', () => {
    const loaded = staticInputs('probe');
    expect(loaded.filter((f) => /@aws-sdk\/client-(sqs|secrets-manager)\/|@middy\/secrets-manager|@smithy\/core\/dist-es\/submodules\/event-streams/.test(f))).toEqual([]);
    // Shipped, and loaded on demand.
    expect(inputs('probe').some((f) => f.includes('@aws-sdk/client-sqs/'))).toBe(true);
    expect(inputs('probe').some((f) => f.includes('@aws-sdk/client-secrets-manager/'))).toBe(true);
  });

  it('probe: the SQS and Secrets Manager chunks it loads on demand work (against a local AWS endpoint)', async () => {
    const requests: Array<{ target: string; body: Record<string, unknown> }> = [];
    const server: Server = createServer((req, res) => {
      let text = '';
      req.on('data', (c: Buffer) => (text += c.toString('utf8')));
      req.on('end', () => {
        const target = String(req.headers['x-amz-target'] ?? '');
        const body = JSON.parse(text) as Record<string, unknown>;
        requests.push({ target, body });
        res.setHeader('content-type', 'application/x-amz-json-1.0');
        if (target === 'AmazonSQS.SendMessageBatch') {
          const entries = body.Entries as Array<{ Id: string; MessageBody: string }>;
          const md5 = (v: string) => createHash('md5').update(v).digest('hex');
          res.end(JSON.stringify({ Successful: entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: md5(e.MessageBody) })), Failed: [] }));
        } else if (target === 'secretsmanager.GetSecretValue') {
          res.end(JSON.stringify({ Name: body.SecretId, SecretString: 'from-local-endpoint' }));
        } else {
          res.statusCode = 400;
          res.end('{}');
        }
      });
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const sqsChunk = pathToFileURL(lazyChunk('probe', 'functions/platform/aws/sqs-jobs.ts')).href;
      const smChunk = pathToFileURL(lazyChunk('probe', 'functions/platform/aws/secrets-manager-client.ts')).href;
      const job = { id: 'job-1', receiver: 'chat', enqueuedAt: '2026-11-24T10:00:00.000Z', notification: { id: 'job-1', receiver: 'chat', alerts: [] } };
      const script =
        `const q=(await import(${JSON.stringify(sqsChunk)})).sharedSqsJobQueue({queueUrl:'${endpoint}/123456789012/pw-delivery'});` +
        `const sent=await q.send([${JSON.stringify(job)}]);` +
        `const sm=await import(${JSON.stringify(smChunk)});const secret=await sm.getSecretValue(sm.secretsManager(),'pw/prom');` +
        'console.log(JSON.stringify({sent,secret:secret.SecretString}))';
      const env = { PATH: process.env.PATH ?? '', AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL: endpoint, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_EC2_METADATA_DISABLED: 'true' };
      const run = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { env, encoding: 'utf8' });
      const result = JSON.parse(run.stdout) as { sent: { sent: string[]; failed: unknown[] }; secret: string };
      expect(result.sent).toMatchObject({ sent: ['job-1'], failed: [] });
      expect(result.secret).toBe('from-local-endpoint');
      expect(requests.map((r) => r.target)).toEqual(['AmazonSQS.SendMessageBatch', 'secretsmanager.GetSecretValue']);
      expect(JSON.parse(((requests[0]?.body.Entries as Array<{ MessageBody: string }>)[0]?.MessageBody) ?? '')).toEqual(job);
    } finally {
      await new Promise((done) => server.close(done));
    }
  });
});
