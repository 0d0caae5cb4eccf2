import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.ts';
import { serverPerTest } from '../platform/http-servers.ts';

const serve = serverPerTest();
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'check-promql-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('check --promql with --config', () => {
  it("queries with the config's selectors, not the runbook's defaults", async () => {
    const queries: string[] = [];
    const prom = await serve((req, res) => {
      queries.push(new URL(req.url!, 'http://x').searchParams.get('query') ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"success","data":{"resultType":"vector","result":[]}}');
    });
    const config = join(dir, 'config.yaml');
    await writeFile(config, `targets:\n  - name: app-0\n    url: http://127.0.0.1:1/metrics\nselectors:\n  namespace: pooler-staging\n`);
    await runCli(['check', '--config', config, '--promql', '--target', `${prom.url}/`, '--json']);
    expect(queries.length).toBeGreaterThan(0);
    expect(queries.every((q) => q.includes('namespace="pooler-staging"'))).toBe(true);
  });
});
