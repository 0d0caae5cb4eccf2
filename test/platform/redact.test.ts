import { describe, expect, it } from 'vitest';
import { redactText } from '../../functions/platform/redact.ts';
import { safeUrl } from '../../functions/platform/safe-url.ts';

describe('redactText', () => {
  it.each([
    ['Bearer eyJhbGciOi.J9.abc', 'Bearer <redacted>'],
    ['basic dXNlcjpwYXNz=', 'basic <redacted>'],
    ['{"Authorization":"tok"}', '{"Authorization":"<redacted>"}'],
    ['proxy-authorization: x y z', 'proxy-authorization: <redacted>'],
    ['see https://bob:hunter2@example.com/p', 'see https://<redacted>@example.com/p'],
    ['nothing to hide here', 'nothing to hide here'],
  ])('%s', (input, expected) => {
    expect(redactText(input, [])).toBe(expected);
  });

  it('replaces given secrets literally, longest first', () => {
    expect(redactText('k=abc123 and abc', ['abc', 'abc123'].sort((a, b) => b.length - a.length))).toBe('k=<redacted> and <redacted>');
  });
});

describe('safeUrl', () => {
  it('keeps scheme, host, port and path only', () => {
    expect(safeUrl('https://u:p@pool:9568/metrics?token=x#f')).toBe('https://pool:9568/metrics');
    expect(safeUrl('/other?x=1', 'http://a:1/m')).toBe('http://a:1/other');
    expect(safeUrl('::not a url')).toBe('<invalid url>');
  });
});
