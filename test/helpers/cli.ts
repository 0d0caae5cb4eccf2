import { PassThrough } from 'node:stream';
import { main } from '../../functions/cli.ts';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the CLI in-process with captured streams: the same `main` the bin runs, without a process per test. */
export async function runCli(argv: string[], opts: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (c: Buffer) => (out += c.toString()));
  stderr.on('data', (c: Buffer) => (err += c.toString()));
  stdin.end(opts.stdin ?? '');
  const code = await main(argv, { stdin, stdout, stderr, env: opts.env ?? {} });
  return { code, stdout: out, stderr: err };
}
