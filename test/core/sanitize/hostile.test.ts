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
];

describe('sanitizer on 1 MB hostile inputs (linear time: these complete)', () => {
  const s = createSanitizer({ secrets: ['fa4e-secret-value-0', 'x'.repeat(40)], hashLabels: ['user'] });

  it.each(UNITS)('%j repeated to 1 MB', (unit) => {
    const input = repeat(unit);
    expect(typeof s.text(input)).toBe('string');
    expect(typeof s.url(`https://h/${input}`)).toBe('string');
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
