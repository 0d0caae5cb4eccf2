import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { HttpCheck, HttpChecks } from '../../functions/config/checks.ts';
import { Config } from '../../functions/config/schema.ts';

const issues = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('HttpCheck schema', () => {
  it('fills the defaults', () => {
    expect(HttpCheck.parse({ name: 'api', url: 'https://api.example.test/healthz' })).toEqual({
      name: 'api',
      method: 'GET',
      url: 'https://api.example.test/healthz',
      headers: {},
      expectStatus: ['2xx'],
      timeout: 10_000,
      maxBodyBytes: 1024 * 1024,
      expectBody: [],
      tls: { minDaysLeft: 14, criticalDaysLeft: 3, allowSelfSigned: false },
      followRedirects: false,
      maxRedirects: 5,
      failureThreshold: 2,
      successThreshold: 2,
      severity: 'critical',
    });
  });

  it('accepts durations, status classes and codes, secret header values and every assertion kind', () => {
    const c = HttpCheck.parse({
      name: 'api.v1',
      method: 'POST',
      url: 'http://127.0.0.1:8080/x',
      headers: { 'X-Api-Key': { env: 'API_KEY' }, Accept: 'application/json' },
      expectStatus: [200, 204, '3xx'],
      maxLatency: '750ms',
      timeout: '5s',
      repeatInterval: '1h',
      expectBody: [
        { type: 'contains', value: 'ok' },
        { type: 'regex', pattern: '^\\{"status":"(ok|degraded)"', flags: 'i' },
        { type: 'jsonPath', path: '$.checks[0]["db.primary"]', equals: null },
        { type: 'jsonPath', path: 'status', exists: true },
      ],
      tls: { minDaysLeft: 21, criticalDaysLeft: 7, ca: { file: '/etc/ssl/private-ca.pem' } },
    });
    expect([c.maxLatency, c.timeout, c.repeatInterval]).toEqual([750, 5_000, 3_600_000]);
    expect(c.headers['X-Api-Key']).toEqual({ env: 'API_KEY' });
  });

  it.each([
    ['a URL that is not http(s)', { url: 'ftp://x.test/' }, /url/],
    ['an unparseable URL', { url: 'not a url' }, /url/],
    ['credentials in the URL', { url: 'https://user:pw@x.test/' }, /no credentials in the URL/],
    ['a bad name', { name: 'has space' }, /name: letters/],
    ['an unknown field', { extra: 1 }, /Unrecognized key/],
    ['a status out of range', { expectStatus: [600] }, /expectStatus\.0/],
    ['an empty status set', { expectStatus: [] }, /expectStatus/],
    ['a bad status class', { expectStatus: ['6xx'] }, /expectStatus\.0/],
    ['a regex that does not compile', { expectBody: [{ type: 'regex', pattern: '(unclosed' }] }, /expectBody\.0\.pattern: the pattern does not compile/],
    ['a catastrophic regex', { expectBody: [{ type: 'regex', pattern: '^(a+)+$' }] }, /nested quantifiers/],
    ['a regex over the length cap', { expectBody: [{ type: 'regex', pattern: 'a'.repeat(513) }] }, /expectBody\.0\.pattern/],
    ['unknown regex flags', { expectBody: [{ type: 'regex', pattern: 'a', flags: 'g' }] }, /flags/],
    ['a bad JSON path', { expectBody: [{ type: 'jsonPath', path: '$..x', exists: true }] }, /expectBody\.0\.path: expected a key name/],
    ['a jsonPath with neither equals nor exists', { expectBody: [{ type: 'jsonPath', path: '$.x' }] }, /exactly one of equals or exists/],
    ['a jsonPath with both', { expectBody: [{ type: 'jsonPath', path: '$.x', equals: 1, exists: true }] }, /exactly one/],
    ['an unknown assertion type', { expectBody: [{ type: 'xpath', path: '/x' }] }, /expectBody\.0/],
    ['a header value with a newline', { headers: { 'X-A': 'a\r\nInjected: 1' } }, /CR, LF or NUL/],
    ['a reserved header', { headers: { Host: 'x' } }, /set by the runner/],
    ['a bad header name', { headers: { 'X A': 'x' } }, /not a valid header name/],
    ['a bad secret ref', { headers: { 'X-A': { vault: 'x' } } }, /headers\.X-A/],
    ['criticalDaysLeft above minDaysLeft', { tls: { minDaysLeft: 3, criticalDaysLeft: 7 } }, /criticalDaysLeft cannot exceed minDaysLeft/],
    ['a zero timeout', { timeout: 0 }, /timeout: must be greater than 0/],
    ['a zero failureThreshold', { failureThreshold: 0 }, /failureThreshold/],
    ['a bad duration', { maxLatency: '5 minutes' }, /maxLatency/],
    ['body assertions on HEAD', { method: 'HEAD', expectBody: [{ type: 'contains', value: 'x' }] }, /expectBody: a HEAD response has no body/],
  ])('refuses %s', (_what, patch, message) => {
    const r = HttpCheck.safeParse({ name: 'api', url: 'https://x.test/', ...patch });
    expect(r.success).toBe(false);
    expect(issues(r).join('\n')).toMatch(message);
  });

  it('a body: json, text or a secret ref, with its size capped in bytes and its content kept out of the errors', () => {
    const json = HttpCheck.parse({ name: 'r', method: 'POST', url: 'https://x.test/v1/responses', body: { json: { model: 'm', input: ['ping'], stream: false, n: null } } });
    expect(json.body).toEqual({ json: { model: 'm', input: ['ping'], stream: false, n: null } });
    expect(HttpCheck.parse({ name: 'r', method: 'PUT', url: 'https://x.test/', body: { text: 'a=1', contentType: 'application/x-www-form-urlencoded' } }).body?.contentType).toBe(
      'application/x-www-form-urlencoded',
    );
    expect(HttpCheck.parse({ name: 'r', method: 'PATCH', url: 'https://x.test/', body: { secret: { env: 'BODY' }, contentType: 'application/json' } }).body?.secret).toEqual({ env: 'BODY' });
    for (const method of ['DELETE', 'OPTIONS']) expect(HttpCheck.safeParse({ name: 'r', method, url: 'https://x.test/', body: { text: '' } }).success).toBe(true);
    // 64 KiB exactly passes; a JSON null is a body too.
    expect(HttpCheck.safeParse({ name: 'r', method: 'POST', url: 'https://x.test/', body: { text: 'a'.repeat(65_536) } }).success).toBe(true);
    expect(HttpCheck.safeParse({ name: 'r', method: 'POST', url: 'https://x.test/', body: { json: null } }).success).toBe(true);

    // Under the cap in characters, over it in UTF-8 bytes.
    const marker = 'pw-config-body-ÉÉ';
    const big = HttpCheck.safeParse({ name: 'r', method: 'POST', url: 'https://x.test/', body: { text: marker + 'é'.repeat(32_760) } });
    expect(issues(big)).toEqual([`body.text: ${Buffer.byteLength(marker) + 65_520} bytes once serialized: a check body may have at most 65536 (64 KiB)`]);
    const bigJson = HttpCheck.safeParse({ name: 'r', method: 'POST', url: 'https://x.test/', body: { json: { marker, pad: 'x'.repeat(65_536) } } });
    expect(issues(bigJson).join('\n')).toMatch(/^body\.json: \d+ bytes once serialized: a check body may have at most 65536 \(64 KiB\)$/);
    expect(JSON.stringify([big.error, bigJson.error])).not.toContain('pw-config-body');
  });

  it('a body on GET (the default method) or HEAD is refused, naming the fix', () => {
    const get = HttpCheck.safeParse({ name: 'r', url: 'https://x.test/', body: { json: { a: 1 } } });
    expect(issues(get)).toEqual(['body: a GET request sends no body (proxies drop or refuse one): set method to POST, PUT or PATCH']);
    const head = HttpCheck.safeParse({ name: 'r', method: 'HEAD', url: 'https://x.test/', body: { text: 'x' } });
    expect(issues(head)).toEqual(['body: a HEAD request sends no body (proxies drop or refuse one): set method to POST, PUT or PATCH']);
  });

  it.each([
    ['no kind', {}, /^body: a body needs exactly one of json, text or secret$/],
    ['two kinds', { json: 1, text: '1' }, /^body: a body needs exactly one of json, text or secret$/],
    ['an unknown key', { yaml: 'a: 1' }, /Unrecognized key/],
    ['a content type with a newline', { text: 'x', contentType: 'text/plain\r\nX-Injected: 1' }, /body\.contentType: a content type cannot contain CR, LF or NUL/],
    ['a bad secret ref', { secret: { vault: 'x' } }, /body\.secret/],
    ['a text that is not a string', { text: 42 }, /body\.text/],
  ])('refuses a body with %s', (_what, body, message) => {
    const r = HttpCheck.safeParse({ name: 'r', method: 'POST', url: 'https://x.test/', body });
    expect(r.success).toBe(false);
    expect(issues(r).join('\n')).toMatch(message);
  });

  it('Content-Type in headers and body.contentType at once is refused; either alone is fine', () => {
    const both = HttpCheck.safeParse({ name: 'r', method: 'POST', url: 'https://x.test/', headers: { 'Content-Type': 'application/json' }, body: { text: '{}', contentType: 'application/json' } });
    expect(issues(both)).toEqual(['body.contentType: Content-Type is set in headers too: set it in one place']);
    expect(HttpCheck.safeParse({ name: 'r', method: 'POST', url: 'https://x.test/', headers: { 'Content-Type': 'application/json' }, body: { text: '{}' } }).success).toBe(true);
  });

  it('check names are unique', () => {
    const r = HttpChecks.safeParse([
      { name: 'api', url: 'https://a.test/' },
      { name: 'web', url: 'https://b.test/' },
      { name: 'api', url: 'https://c.test/' },
    ]);
    expect(issues(r)).toEqual(['2.name: duplicate check name api']);
  });
});

describe('Config with checks', () => {
  it('checks alone are a valid config (no target, no receiver)', () => {
    const c = Config.parse({ checks: [{ name: 'api', url: 'https://x.test/' }] });
    expect(c.checks.map((x) => x.name)).toEqual(['api']);
    expect(c.targets).toEqual([]);
  });

  it('nothing at all is still refused, naming the alternatives', () => {
    expect(issues(Config.safeParse({})).join('\n')).toMatch(/configure at least one target, a check, or the receiver/);
  });

  it('duplicate check names are refused with their path', () => {
    const r = Config.safeParse({ checks: [{ name: 'a', url: 'https://x.test/' }, { name: 'a', url: 'https://y.test/' }] });
    expect(issues(r)).toContain('checks.1.name: duplicate check name a');
  });

  it('a credential header must be a secret reference, never the value in clear', () => {
    const literal = Config.safeParse({ checks: [{ name: 'a', url: 'https://x.test/', headers: { Authorization: 'Bearer abc' } }] });
    expect(issues(literal).join('\n')).toMatch(/checks\.0\.headers\.Authorization: a credential: give a secret reference/);
    expect(issues(literal).join('\n')).not.toContain('abc');
    const cookie = Config.safeParse({ checks: [{ name: 'a', url: 'https://x.test/', headers: { cookie: 's=1' } }] });
    expect(cookie.success).toBe(false);
    const ref = Config.safeParse({ checks: [{ name: 'a', url: 'https://x.test/', headers: { Authorization: { env: 'API_AUTH' }, 'X-Trace': 'on' } }] });
    expect(ref.success).toBe(true);
  });

  it('a check named like a target is refused: their alerts would share one key', () => {
    const r = Config.safeParse({ targets: [{ name: 'app-0', url: 'http://app-0:4000/metrics' }], checks: [{ name: 'app-0', url: 'https://x.test/' }] });
    expect(issues(r)).toContain('checks.0.name: a target has this name too: give the check its own');
  });
});

describe('README example', () => {
  it('the "Synthetic HTTP checks" YAML parses as a config', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('## Synthetic HTTP checks'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    const c = Config.parse(parse(yaml));
    expect(c.checks[0]).toMatchObject({ name: 'codex-api', maxLatency: 800, timeout: 5_000, repeatInterval: 3_600_000, expectStatus: ['2xx', 304] });
    expect(c.checks[0]!.expectBody).toHaveLength(4);
  });

  it('the request body example parses as a config', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const section = readme.slice(readme.indexOf('A check can send a request body'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)![1]!;
    const c = Config.parse(parse(yaml));
    expect(c.checks[0]).toMatchObject({ method: 'POST', body: { json: { model: 'gpt-5-mini', input: 'ping', max_output_tokens: 16 } } });
  });
});
