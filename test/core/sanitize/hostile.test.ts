import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSanitizer } from '../../../functions/core/sanitize/index.ts';

const MB = 1 << 20;
const repeat = (unit: string): string => unit.repeat(Math.ceil(MB / unit.length));

// Shapes aimed at each pattern's prefix and quantifiers: a backtracking regex would take hours on these.
const UNITS = [
  'a', 'a.', 'a-', 'a=', 'a.b=', '=', '%', '\\', '"', ' ', 'A1b2', 'aB3/', 'aB3/=',
  'eyJa-', 'eyJa.', 'eyJaaaa.', 'Bearer ', 'bearer a', 'Basic Basic ', 'Token ', 'token',
  'Authorization: ', 'authorization', 'Authorization: "', 'Cookie: a"', 'cookie=', '"a":"', '"token":"\\', '"a":', '"password":',
  'a://', 'http://a:', 'http://', 'a:b@', 'token=', '?key=', '&code=', 'access_', 'x_token_',
  '-----BEGIN PRIVATE KEY-----', '-----BEGIN RSA ', 'sk-', 'sk-a', 'xoxb-', 'xoxb-a-', 'AKIA', 'AIza', 'ghp_',
  'hooks.slack.com/services/', 'discord.com/api/webhooks/1/', 'bot1', 'bot1-', 'bot123456:', '123456789:',
  // `name: value` fields, camelCase names, `KEY=value` runs and `/`-cut base64
  'token: ', 'token:', 'password: "', "password: '", 'password: "\\', "'token':", "'token': '", 'token=>', 'a=>', '{:password=>"',
  '\\"password\\":\\"', 'password: \\"', '{\\"token\\": \\"\\\\', 'token: a1', 'token: Aaa', 'token: AaaBbb', 'session:a', 'Token:', 'a1 ', 'aToken: ', 'xToken', 'dbPassword=', 'ATo', 'IDToken=', 'password: ~c"', 'aB', 'AaaBbb',
  'x/Ab', 'aB3/aB3/=x', 'K=aB3/', 'Zx8Qm2Lr7Vt4Np1Kc6Hs9Jd3Fg5Wb0Ya/', 'Zx8Qm2Lr7Vt4Np1Kc6Hs9Jd3Fg5Wb0Ya=',
];

describe('sanitizer on 1 MB hostile inputs (linear time: these complete)', () => {
  const s = createSanitizer({ secrets: ['fa4e-secret-value-0', 'x'.repeat(40)], hashLabels: ['user'] });

  it.each(UNITS)('%j repeated to 1 MB', (unit) => {
    const input = repeat(unit);
    expect(typeof s.text(input)).toBe('string');
    expect(typeof s.url(`https://h/${input}`)).toBe('string');
  });

  // No wall-clock assertion (timed tests flake on a busy machine): a quadratic path on 64 KB would run for minutes and
  // fail on the test timeout, as the 1 MB cases above would.
  it('mixtures of the shapes above, 64 KB each, complete', () => {
    const KB64 = 1 << 16;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...UNITS), { minLength: 1, maxLength: 6 }), fc.constantFrom('', ' ', '\n', '/', '='), (units, glue) => {
        const unit = units.join(glue);
        const input = unit.repeat(Math.ceil(KB64 / unit.length));
        expect(typeof s.text(input)).toBe('string');
      }),
      { numRuns: 60 },
    );
  });

  it('random token soup, labels and deep payloads', () => {
    let seed = 7;
    const next = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_.:@?&"\' \n<>';
    const soup = Array.from({ length: MB }, () => alphabet[next() % alphabet.length]).join('');
    expect(s.text(soup).length).toBeGreaterThan(0);
    expect(s.labels({ pod: soup, user: soup }).pod!.length).toBeLessThanOrEqual(1024);
    expect(typeof s.deep({ a: [soup, { [soup.slice(0, 1000)]: soup }] })).toBe('object');
  });
});
