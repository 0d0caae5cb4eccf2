import { readFileSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runParse } from '../../functions/cli/parse-command.ts';
import { familiesToJson, parseExposition } from '../../functions/core/exposition/index.ts';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function collect(stream: PassThrough): () => string {
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  return () => Buffer.concat(chunks).toString('utf8');
}

/** Runs the command with `input` on stdin (written in chunks, then ended). */
async function run(args: string[], input: string | Buffer | Buffer[]): Promise<Run> {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out = collect(stdout);
  const err = collect(stderr);
  const pending = runParse(args, { stdin, stdout, stderr });
  for (const chunk of Array.isArray(input) ? input : [input]) stdin.write(chunk);
  stdin.end();
  const code = await pending;
  return { code, stdout: out(), stderr: err() };
}

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/exposition/${name}`, import.meta.url), 'utf8');

describe('pooler-watch parse', () => {
  it('prints the families of a text exposition as 2-space JSON and exits 0', async () => {
    const body = fixture('codex-pooler.prom');
    const result = await run([], body);
    expect(result).toEqual({
      code: 0,
      stdout: `${JSON.stringify(familiesToJson(parseExposition(body, 'text')), null, 2)}\n`,
      stderr: '',
    });
    expect(result.stdout.startsWith('[\n  {\n    "name": "vm_memory_total_bytes",')).toBe(true);
  });

  it('reads OpenMetrics with --format openmetrics, split across chunks', async () => {
    const body = Buffer.from(fixture('codex-pooler.om.txt'));
    const result = await run(['--format', 'openmetrics'], [body.subarray(0, 100), body.subarray(100)]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout) as Array<{ name: string; unit: string | null }>;
    expect(json.find((f) => f.name === 'vm_memory_total_bytes')?.unit).toBe('bytes');
  });

  it('reports invalid input as line:column: message on stderr and exits 1', async () => {
    expect(await run([], 'ok 1\nbad{a="x",a="y"} 1\n')).toEqual({
      code: 1,
      stdout: '',
      stderr: '2:11: duplicate label name "a"\n',
    });
    expect((await run(['-f', 'openmetrics'], 'foo 1\n')).stderr).toBe('2:1: missing "# EOF" at the end of the OpenMetrics exposition\n');
  });

  it('rejects invalid UTF-8 and a byte-order mark instead of guessing', async () => {
    expect(await run([], Buffer.from([0x66, 0x6f, 0x6f, 0x7b, 0x61, 0x3d, 0x22, 0xff, 0x22, 0x7d, 0x20, 0x31, 0x0a]))).toEqual({
      code: 1,
      stdout: '',
      stderr: 'input is not valid UTF-8\n',
    });
    expect((await run([], '\ufefffoo 1\n')).stderr).toBe('1:1: invalid metric name\n');
  });

  it.each([[['--nope']], [['--format', 'xml']], [['extra-positional']], [['--format']]])('prints usage and exits 2 for %j', async (args) => {
    const result = await run(args, 'foo 1\n');
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('usage: pooler-watch parse [--format text|openmetrics]');
  });

  it('prints usage on stdout for --help', async () => {
    const result = await run(['--help'], '');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('usage: pooler-watch parse');
  });

  it('refuses more than 64 MiB of input', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 0x23); // '#': a valid comment line if it were ever parsed
    const result = await run([], Array.from({ length: 65 }, () => chunk));
    expect(result).toEqual({ code: 1, stdout: '', stderr: 'input exceeds 64 MiB\n' });
  });
});
