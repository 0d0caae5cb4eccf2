import { describe, expect, it } from 'vitest';
import { createSanitizer } from '../../../functions/core/sanitize/index.ts';
import { createLogger } from '../../../functions/platform/logger.ts';

/*
 * Credential-named fields written `name: value` or `name => value`: YAML, HTTP-ish dumps, Elixir keyword lists and
 * maps (how a Phoenix/Ecto crash report inspects connection options), Python/Ruby hashes. A quoted value is always
 * redacted; a bare one only when it looks like a credential, so prose after `token:` survives.
 */
const s = createSanitizer({ secrets: [] });

describe('credential-named fields written `name: value`', () => {
  it.each([
    ['Elixir keyword list (Ecto/Postgrex opts in a crash report)', '** (DBConnection.ConnectionError) [username: "pooler", password: "hunter2-prod", hostname: "db"]', 'hunter2-prod'],
    ['YAML', 'config:\n  password: hunter2-prod\n  host: db', 'hunter2-prod'],
    ['YAML token', 'metrics:\n  token: pool-metrics-0a1b2c', 'pool-metrics-0a1b2c'],
    ['YAML api_key', 'upstream:\n  api_key: cpk-live-12345', 'cpk-live-12345'],
    ['Python/Ruby hash', "{'client_secret': 'cs-prod-9876'}", 'cs-prod-9876'],
    ['Elixir map with string keys', '%{"password" => "hunter2", "user" => "ops"}', 'hunter2'],
    ['Ruby symbol key', '{:password=>"hunter2"}', 'hunter2'],
    ['Elixir charlist sigil', '[certfile: "/etc/tls/crt.pem", password: ~c"hunter2-prod"]', 'hunter2-prod'],
    ['camelCase name', "{ accessToken: 'at-prod-0a1b2c' }", 'at-prod-0a1b2c'],
    ['header-style name', 'X-Amz-Security-Token: FwoGZXIvYXdzEBYaD0FAKE0123', 'FwoGZXIvYXdzEBYaD0FAKE0123'],
    ['bare value without spaces', 'session:sid-9f8e7d6c5b', 'sid-9f8e7d6c5b'],
    ['letters-only passphrase', 'password: correcthorsebatterystaple', 'correcthorsebatterystaple'],
    ['quoted value that is a word', 'password: "hunter"', 'hunter'],
    ['a quoted value cut off at the end of a line', 'password: "hunter2-pr…\nnext', 'hunter2'],
    ['an Elixir inspect inside a JSON log line', JSON.stringify({ message: '[username: "pooler", password: "hunter2-prod"]' }), 'hunter2-prod'],
    ['a JSON document inside a JSON string', JSON.stringify({ error: JSON.stringify({ client_secret: 'cs-prod-9876', user: 'ops' }) }), 'cs-prod-9876'],
  ])('%s', (_name, input, leak) => {
    const out = s.text(input);
    expect(out).not.toContain(leak);
    expect(out).toContain('<redacted>');
    expect(s.text(out)).toBe(out);
  });

  it('keeps the name, the quotes and what follows', () => {
    expect(s.text('[username: "pooler", password: "hunter2-prod", hostname: "db"]')).toBe('[username: "pooler", password: "<redacted>", hostname: "db"]');
    expect(s.text("{'client_secret': 'cs-prod-9876', 'scope': 'read'}")).toBe("{'client_secret': '<redacted>', 'scope': 'read'}");
    expect(s.text('config:\n  password: hunter2-prod # rotated\n  host: db')).toBe('config:\n  password: <redacted> # rotated\n  host: db');
    expect(s.text('[password: hunter2, host: db]')).toBe('[password: <redacted>, host: db]');
    expect(s.text('[keyfile: "k.pem", password: ~c"hunter2-prod"]')).toBe('[keyfile: "k.pem", password: ~c"<redacted>"]');
  });

  it('inside a JSON string, the escaped quotes stay balanced', () => {
    const line = JSON.stringify({ message: '[username: "pooler", password: "hunter2-prod"]', error: JSON.stringify({ password: 'x1y2z3', user: 'ops' }) });
    const out = s.text(line);
    expect(JSON.parse(out)).toEqual({ message: '[username: "pooler", password: "<redacted>"]', error: '{"password":"<redacted>","user":"ops"}' });
  });

  it.each([
    'token: expired',
    'auth failed, token: expired.',
    '[username: "pooler", password: nil, hostname: "db"]',
    'password: ********',
    'password: ${DB_PASSWORD}',
    'token: { env: DEMO_TOKEN }',
    'auth: { bearer: { file: /run/secrets/pooler-watch-receiver-token } }',
    'credentials: configure auth (bearer, basic or sigv4) on the target',
    'pool-0 /metrics answers 200 without credentials: metrics auth is off',
    'a credential: give a secret reference ({ env }, { file }, { secretsManager } or { ssm }), not the value',
    'auth none sends no token: remove it',
    'session: 5m, token: v2 format',
    'token: 401 Unauthorized',
    'sts: get session token: ExpiredTokenException: the security token included in the request is expired',
    'targets.0.token: Invalid input: expected object, received string',
    'totalTokens: 512, maxTokens: 4096, tokenCount: 3a',
  ])('prose survives: %s', (line) => {
    expect(s.text(line)).toBe(line);
  });

  it('a non-credential value does not hide a credential field after it', () => {
    expect(s.text('token:password:"hunter"')).toBe('token:password:"<redacted>"');
    expect(s.text('token: expired, password: hunter2-prod')).toBe('token: expired, password: <redacted>');
  });

  it('and the logger redacts it in a message', () => {
    const lines: string[] = [];
    createLogger({ stream: { write: (l: string) => lines.push(l) } }).error('repo start failed: [username: "pooler", password: "hunter2-prod"]');
    expect(lines.join('')).not.toContain('hunter2-prod');
  });
});
