import { describe, expect, it } from 'vitest';
import { DEFAULT_LABEL_ALLOWLIST, createSanitizer, hashValue, secretForms } from '../../../functions/core/sanitize/index.ts';
import { FAKE } from './fixtures.ts';

const SECRET = 'pool-metrics-T0ken/with+chars';
const s = createSanitizer({ secrets: [SECRET, 'abcd', 'abc'], hashLabels: ['user', 'api_key_id', 'session_id'] });

describe('text: registered secrets', () => {
  it('redacts raw, URL-encoded, base64 and base64url forms', () => {
    const b64 = Buffer.from(SECRET).toString('base64');
    const b64url = Buffer.from(SECRET).toString('base64url');
    const out = s.text(`raw ${SECRET} enc ${encodeURIComponent(SECRET)} b64 ${b64} url ${b64url} form ${new URLSearchParams({ a: SECRET }).toString()}`);
    expect(out).toBe('raw <redacted> enc <redacted> b64 <redacted> url <redacted> form a=<redacted>');
  });

  it('redacts secrets of 4–5 chars literally only, and ignores shorter ones', () => {
    expect(s.text('abcd abc YWJjZA==')).toBe('<redacted> abc YWJjZA==');
    expect(secretForms('abcd')).toEqual(['abcd']);
    expect(secretForms('abc')).toEqual([]);
    expect(secretForms('abc', 1)).toEqual(['abc']);
  });

  it('replaces the longest secret first, and a trimmed secret too', () => {
    const t = createSanitizer({ secrets: ['secret-one', 'secret-one-two', 'file-token\n'] });
    expect(t.text('secret-one-two secret-one file-token')).toBe('<redacted> <redacted> <redacted>');
  });
});

describe('url', () => {
  it.each([
    ['https://u:p@pool:9568/metrics?token=x#frag', 'https://pool:9568/metrics'],
    ['http://127.0.0.1:8080/federate?match[]=up', 'http://127.0.0.1:8080/federate'],
    [`https://hooks.slack.com/services/${FAKE.slackWebhookPath}`, 'https://hooks.slack.com/services/<redacted>'],
    [`https://pool/${encodeURIComponent(SECRET)}/x`, 'https://pool/<redacted>/x'],
    [`https://pool/files/${FAKE.highEntropy}`, 'https://pool/files/<redacted>'],
    ['  https://Pool.Example.COM/A  ', 'https://pool.example.com/A'],
  ])('%s', (input, expected) => {
    expect(s.url(input)).toBe(expected);
  });

  it.each(['::not a url', '/relative/path', 'mailto:ops@example.com', 'data:text/plain,hello', `https://${SECRET}.example.com/`])('%s is <invalid url>', (input) => {
    expect(s.url(input)).toBe('<invalid url>');
  });
});

describe('labels and annotations', () => {
  it('keep only allowlisted, valid label names; hash identity labels', () => {
    const out = s.labels({
      alertname: 'PoolerOOMRisk',
      pod: 'codex-pooler-app-7d9f8b6c5-x2k4q',
      user: 'alice@example.com',
      session_id: 'sess-123',
      api_key: 'pool-key-1',
      prompt: 'tell me a secret',
      'bad-name': 'x',
      '0pod': 'x',
    });
    expect(out).toEqual({
      alertname: 'PoolerOOMRisk',
      pod: 'codex-pooler-app-7d9f8b6c5-x2k4q',
      user: hashValue('alice@example.com'),
      session_id: hashValue('sess-123'),
    });
    expect(out.user).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(hashValue('a')).toBe(hashValue('a'));
    expect(hashValue('a')).not.toBe(hashValue('b'));
  });

  it('clean values and cap them at 1,024 chars (after redaction)', () => {
    const out = s.labels({ pod: `p ${SECRET}`, reason: 'x'.repeat(5000) });
    expect(out.pod).toBe('p <redacted>');
    expect([...out.reason!]).toHaveLength(1024);
    expect(out.reason!.endsWith('…')).toBe(true);
  });

  it('annotations use their own allowlist; custom lists replace the defaults', () => {
    expect(s.annotations({ summary: `leak ${SECRET}`, promql: 'up == 0', body: 'response body', pod: 'p' })).toEqual({ summary: 'leak <redacted>', promql: 'up == 0' });
    const custom = createSanitizer({ secrets: [], labelAllowlist: ['team'], annotationAllowlist: ['note'] });
    expect(custom.labels({ team: 'sre', pod: 'p' })).toEqual({ team: 'sre' });
    expect(custom.annotations({ note: 'n', summary: 's' })).toEqual({ note: 'n' });
    expect(DEFAULT_LABEL_ALLOWLIST).toContain('route_class');
  });
});

describe('deep', () => {
  it('copies JSON-like values, cleaning every string and key, redacting credential-named fields', () => {
    const input = {
      text: `Bearer ${FAKE.jwt}`,
      [SECRET]: 1,
      nested: [{ password: 'hunter2', Authorization: 'raw', count: 2, ok: true, none: null }],
      when: new Date(0),
    };
    const out = s.deep(input);
    expect(out).toEqual({
      text: 'Bearer <redacted>',
      '<redacted>': 1,
      nested: [{ password: '<redacted>', Authorization: '<redacted>', count: 2, ok: true, none: null }],
      when: '1970-01-01T00:00:00.000Z',
    });
    expect(input.nested[0]!.password).toBe('hunter2');
  });

  it('survives cycles and absurd depth', () => {
    const a: Record<string, unknown> = { name: 'a' };
    a.self = a;
    expect(s.deep(a)).toEqual({ name: 'a', self: '[circular]' });
    let deepest: unknown = 'leaf';
    for (let i = 0; i < 500; i++) deepest = [deepest];
    expect(JSON.stringify(s.deep(deepest))).toContain('[truncated]');
  });
});
