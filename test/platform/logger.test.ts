import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isSensitiveKey } from '../../functions/core/sanitize/index.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import type { LoggerOptions } from '../../functions/platform/logger.ts';
import { Secret } from '../../functions/platform/secrets.ts';

function capture(opts: Omit<LoggerOptions, 'stream'> = {}) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { lines, log: createLogger({ stream, now: () => 0, ...opts }), parsed: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

describe('logger', () => {
  it('writes one JSON line per event, ts/level/msg first', () => {
    const { lines, log } = capture();
    log.info('scrape', { target: 'pool-0', durationMs: 12, ts: 'spoof', level: 'spoof' });
    expect(lines).toEqual(['{"ts":"1970-01-01T00:00:00.000Z","level":"info","msg":"scrape","target":"pool-0","durationMs":12}\n']);
  });

  it('filters by level (default info)', () => {
    const { parsed, log } = capture();
    log.debug('hidden');
    log.warn('shown');
    expect(parsed().map((l) => l.level)).toEqual(['warn']);
    const dbg = capture({ level: 'debug' });
    dbg.log.debug('x');
    const err = capture({ level: 'error' });
    err.log.warn('y');
    expect([dbg.lines.length, err.lines.length]).toEqual([1, 0]);
  });

  it('child loggers add fields, call-site fields win', () => {
    const { parsed, log } = capture();
    log.child({ component: 'probe', target: 'a' }).info('x', { target: 'b' });
    expect(parsed()[0]).toMatchObject({ component: 'probe', target: 'b' });
  });

  it('redacts registered secret values everywhere: msg, nested fields, arrays, errors, keys', () => {
    const value = 'sk-live-0123456789abcdef';
    const secret = new Secret(value);
    const { lines, log } = capture();
    log.error(`failed with ${value}`, {
      nested: { deep: [`x${value}y`, { again: value }] },
      err: new Error(`request with ${value} failed`, { cause: new Error(value) }),
      [value]: 1,
      ref: secret,
    });
    const out = lines.join('');
    expect(out).not.toContain(value);
    expect(JSON.parse(out)).toMatchObject({ msg: 'failed with <redacted>', ref: '<secret>', nested: { deep: ['x<redacted>y', { again: '<redacted>' }] } });
  });

  it('redacts Authorization/Bearer/Basic patterns, URL credentials and credential-named fields', () => {
    const { lines, log } = capture();
    log.warn('to http://user:pw@host/x with bearer abc.def.ghi', {
      line: 'GET / HTTP/1.1\r\nAuthorization: Digest opaque-value\r\nHost: x',
      header: 'authorization=Basic dXNlcjpwYXNz',
      authorization: 'raw-unprefixed-token',
      token: 'another-raw-token',
      headers: { Authorization: 'Bearer zzz999' },
    });
    const out = lines.join('');
    for (const leak of ['opaque-value', 'abc.def.ghi', 'pw@', 'dXNlcjpwYXNz', 'raw-unprefixed-token', 'another-raw-token', 'zzz999']) {
      expect(out).not.toContain(leak);
    }
    expect(JSON.parse(out)).toMatchObject({
      msg: 'to http://<redacted>@host/x with bearer <redacted>',
      line: 'GET / HTTP/1.1\r\nAuthorization: <redacted>\r\nHost: x',
      authorization: '<redacted>',
    });
  });

  // One list of credential names: the core's isSensitiveKey, which Sanitizer.deep uses too.
  it.each([
    ['access_token', 'at-prod-0a1b2c'],
    ['refresh_token', 'rt-prod-0a1b2c'],
    ['client_secret', 'cs-prod-0a1b2c'],
    ['session_id', 'sid-prod-0a1b2c'],
    ['x-api-key', 'pool-key-0a1b2c'],
    ['X-Auth-Token', 'xat-prod-0a1b2c'],
    ['sessionToken', 'st-prod-0a1b2c'],
    ['bearer', 'br-prod-0a1b2c'],
  ])('redacts every credential-named field the core sanitizer knows: %s', (name, value) => {
    expect(isSensitiveKey(name)).toBe(true);
    const logged = (fields: Record<string, unknown>): string => {
      const { lines, log } = capture();
      log.info('upstream call', fields);
      return lines.join('');
    };
    expect(logged({ [name]: value })).not.toContain(value);
    expect(logged({ request: { headers: { [name]: value } } })).not.toContain(value);
    expect(JSON.parse(logged({ [name]: value }))).toMatchObject({ [name]: '<redacted>' });
  });

  it('keeps fields whose names only contain a credential word', () => {
    const { parsed, log } = capture();
    log.info('usage', { maxTokens: 4096, tokenConfigured: 'yes', accessKeyId: 'AKID-none', session_count: 3 });
    expect(parsed()[0]).toMatchObject({ maxTokens: 4096, tokenConfigured: 'yes', accessKeyId: 'AKID-none', session_count: 3 });
  });

  it('never throws on cycles, BigInt, non-finite numbers or functions', () => {
    const { parsed, log } = capture();
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    log.info('odd', { a, big: 10n, nan: Number.NaN, fn: () => 1 });
    expect(parsed()[0]).toMatchObject({ a: { name: 'a', self: '[circular]' }, big: '10', nan: 'NaN', fn: '[function]' });
  });
});
