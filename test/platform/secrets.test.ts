import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format, inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../functions/platform/errors.ts';
import { Secret, describeSecretRef, registeredSecretValues, resolveSecret } from '../../functions/platform/secrets.ts';

describe('Secret', () => {
  const value = 'tok-secret-3f9a1c';
  const s = new Secret(value);

  it('reveals only through reveal()', () => {
    expect(s.reveal()).toBe(value);
    expect(JSON.stringify({ t: s })).toBe('{"t":"<secret>"}');
    expect(String(s)).toBe('<secret>');
    expect(`${s}`).toBe('<secret>');
    expect(inspect(s)).toBe('<secret>');
    expect(inspect({ nested: { s } }, { depth: 5 })).not.toContain(value);
    expect(format('%s %o %O %j', s, s, s, s)).not.toContain(value);
    expect(Object.keys(s)).toEqual([]);
  });

  it('registers its value (and URL-encoded form) for literal redaction', () => {
    new Secret('a b/c');
    expect(registeredSecretValues()).toEqual(expect.arrayContaining([value, 'a b/c', 'a%20b%2Fc']));
    const lengths = registeredSecretValues().map((v) => v.length);
    expect(lengths).toEqual([...lengths].sort((a, b) => b - a));
  });
});

describe('resolveSecret', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-secrets-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads env vars from the injected env', async () => {
    const s = await resolveSecret({ env: 'METRICS_TOKEN' }, { METRICS_TOKEN: 'from-env-1\n' });
    expect(s.reveal()).toBe('from-env-1');
  });

  it('reads files and trims exactly one trailing newline', async () => {
    await writeFile(join(dir, 'a'), 'line-token\n\n');
    await writeFile(join(dir, 'b'), 'crlf-token\r\n');
    expect((await resolveSecret({ file: join(dir, 'a') }, {})).reveal()).toBe('line-token\n');
    expect((await resolveSecret({ file: join(dir, 'b') }, {})).reveal()).toBe('crlf-token');
  });

  it('an unset env var is a ConfigError naming the variable', async () => {
    await expect(resolveSecret({ env: 'NOPE_TOKEN' }, {})).rejects.toThrow(new ConfigError('secret env:NOPE_TOKEN is not set'));
  });

  it('an empty or whitespace-only value is a ConfigError naming the ref', async () => {
    await expect(resolveSecret({ env: 'EMPTY' }, { EMPTY: '\n' })).rejects.toThrow(/secret env:EMPTY is empty/);
    await writeFile(join(dir, 'empty'), '  \n');
    const err = await resolveSecret({ file: join(dir, 'empty') }, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain(join(dir, 'empty'));
  });

  it('a missing file is a ConfigError with the path', async () => {
    const path = join(dir, 'missing');
    const err = await resolveSecret({ file: path }, {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(`secret file:${path}: file not found`);
  });

  it('an unreadable path (a directory) is a ConfigError too', async () => {
    await expect(resolveSecret({ file: dir }, {})).rejects.toBeInstanceOf(ConfigError);
  });

  it('describes refs without values', () => {
    expect(describeSecretRef({ env: 'X' })).toBe('env:X');
    expect(describeSecretRef({ file: '/run/t' })).toBe('file:/run/t');
  });
});
