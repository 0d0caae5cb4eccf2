import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runConfigJson } from '../../functions/cli/config-json.ts';
import { parseJsonConfig } from '../../functions/config/validate.ts';
import { parseConfig } from '../../functions/config/load.ts';

const dir = mkdtempSync(join(tmpdir(), 'pw-config-json-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io() {
  const out = { stdout: '', stderr: '' };
  return { out, io: { stdout: { write: (t: string) => (out.stdout += t) }, stderr: { write: (t: string) => (out.stderr += t) } } };
}

describe('pooler-watch config-json', () => {
  it('prints a YAML config as compact JSON that the AWS loader reads the same', async () => {
    const yaml = [
      '# comments and YAML flow style are fine',
      'interval: 30s',
      'targets:',
      '  - name: prometheus',
      '    kind: federate',
      '    url: https://prometheus.example/federate',
      '    token: { secretsManager: { id: pooler-watch/prod/secrets/prometheus, key: token } }',
      '',
    ].join('\n');
    const file = join(dir, 'config.yaml');
    writeFileSync(file, yaml);
    const { out, io: cliIo } = io();
    expect(await runConfigJson(['--config', file], cliIo)).toBe(0);
    expect(out.stdout.trim().split('\n')).toHaveLength(1);
    expect(parseJsonConfig(out.stdout, 'ssm:/p')).toEqual(await parseConfig(yaml, 'ssm:/p'));
  });

  it('refuses an invalid config (the error names the path) and a missing --config', async () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'targets: [ { name: "x", url: "not a url" } ]\n');
    await expect(runConfigJson(['--config', file], io().io)).rejects.toThrow(/targets\.0\.url/);
    const { out, io: cliIo } = io();
    expect(await runConfigJson([], cliIo)).toBe(2);
    expect(out.stderr).toContain('config-json --config FILE');
  });
});
