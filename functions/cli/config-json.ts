import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { parseConfigText } from '../config/load.ts';
import { validateConfig } from '../config/validate.ts';
import { ConfigError } from '../platform/errors.ts';

/** Where `pooler-watch config-json` writes. */
export interface ConfigJsonIo {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

export const CONFIG_JSON_USAGE = 'pooler-watch config-json --config FILE   (validate a YAML or JSON config, print it as compact JSON)\n';

/**
 * The config file as the AWS functions read it from SSM: validated like every config, then printed as compact JSON
 * (the file's own values, not the defaults filled in, so it stays within SSM's 4 KB standard tier). Exit 0, or 2 on
 * usage and config errors, which name the bad paths and never the values.
 */
export async function runConfigJson(args: string[], io: ConfigJsonIo): Promise<number> {
  let path: string | undefined;
  try {
    ({ values: { config: path } } = parseArgs({ args, options: { config: { type: 'string' } }, strict: true }));
  } catch (err) {
    io.stderr.write(`${(err as Error).message}\n${CONFIG_JSON_USAGE}`);
    return 2;
  }
  if (!path) {
    io.stderr.write(CONFIG_JSON_USAGE);
    return 2;
  }
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new ConfigError(`${path}: cannot read config (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const raw = await parseConfigText(text, path);
  validateConfig(raw, path);
  io.stdout.write(`${JSON.stringify(raw ?? {})}\n`);
  return 0;
}
