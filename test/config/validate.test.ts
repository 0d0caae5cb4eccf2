import { describe, expect, it } from 'vitest';
import { parseJsonConfig } from '../../functions/config/validate.ts';
import { parseConfig } from '../../functions/config/load.ts';
import { ConfigError } from '../../functions/platform/errors.ts';

const CONFIG = { targets: [{ name: 'prometheus', kind: 'federate', url: 'https://prometheus.example/federate' }] };

describe('parseJsonConfig (the AWS functions read their config as JSON only)', () => {
  it('reads JSON text exactly as the YAML/JSON loader does', async () => {
    const text = JSON.stringify(CONFIG);
    expect(parseJsonConfig(text, 'ssm:/p')).toEqual(await parseConfig(text, 'ssm:/p'));
  });

  it('refuses YAML with the command that converts it, without quoting the text', () => {
    const yaml = 'targets:\n  - name: prometheus\n    url: https://s3cr3t.example/federate\n';
    const err = (() => {
      try {
        parseJsonConfig(yaml, 'ssm:/p');
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(ConfigError);
    expect(err?.message).toMatch(/^ssm:\/p: not JSON .*pooler-watch config-json --config FILE/);
    expect(err?.message).not.toContain('s3cr3t');
  });

  it('refuses a key given twice, as the YAML loader does', async () => {
    const text = '{"interval": "30s", "interval": "1m", "targets": []}';
    expect(() => parseJsonConfig(text)).toThrow(/a key appears twice/);
    await expect(parseConfig(text)).rejects.toThrow(ConfigError);
  });

  it('names each bad path of an invalid config', () => {
    expect(() => parseJsonConfig('{"targets":[{"name":"x","url":"not a url"}]}', 'ssm:/p')).toThrow(/ssm:\/p: invalid config\ntargets\.0\.url: /);
  });
});
