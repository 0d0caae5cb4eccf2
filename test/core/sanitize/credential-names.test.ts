import { describe, expect, it } from 'vitest';
import { createSanitizer, isSensitiveKey } from '../../../functions/core/sanitize/index.ts';
import { createLogger } from '../../../functions/platform/logger.ts';

/*
 * Credential names: the whole name, or its last part after `_`, `-` or `.` (any case), or its last camelCase word
 * (what JS/JSON APIs, the AWS SDK and OAuth client libraries use: `accessToken`, `clientSecret`, `sessionToken`).
 */
const s = createSanitizer({ secrets: [] });

describe('credential names', () => {
  it.each(['accessToken', 'refreshToken', 'idToken', 'sessionToken', 'clientSecret', 'dbPassword', 'secretAccessKey', 'botToken', 'xApiKey', 'userSessionId', 'IDToken', 'APIToken', 'DBPassword', 'OAuthToken'])(
    'camelCase %s is a credential name (after a lowercase letter, a digit or an acronym)',
    (name) => {
      expect(isSensitiveKey(name)).toBe(true);
    },
  );

  it.each(['token', 'TOKEN', 'Token', 'access_token', 'X-Amz-Signature', 'x-api-key', 'X-Auth-Token', 'set-cookie', 'AWS_SECRET_ACCESS_KEY', 'SECRET_KEY_BASE', 'bearer', 'JSESSIONID', 'apiKey'])(
    '%s is a credential name (any case after a separator)',
    (name) => {
      expect(isSensitiveKey(name)).toBe(true);
    },
  );

  it.each(['maxTokens', 'totalTokens', 'tokenCount', 'tokenConfigured', 'obsession', 'Possession', 'accessKeyId', 'AWS_ACCESS_KEY_ID', 'secretName', 'key', 'pod', 'summary', 'session_count', 'ExpiredTokenException', 'InvalidClientTokenId'])(
    '%s is not a credential name',
    (name) => {
      expect(isSensitiveKey(name)).toBe(false);
    },
  );

  it('key, sig, auth and code only as query parameters', () => {
    for (const name of ['key', 'SIG', 'Auth', 'code']) {
      expect(isSensitiveKey(name)).toBe(false);
      expect(isSensitiveKey(name, true)).toBe(true);
    }
  });

  it.each([
    ['JSON field', '{"user":"ops","clientSecret":"cs-prod-9876"}', 'cs-prod-9876'],
    ['JSON field', '{"accessToken":"pool-at-0a1b2c3d"}', 'pool-at-0a1b2c3d'],
    ['k=v', 'refresh failed refreshToken=rt-prod-12345', 'rt-prod-12345'],
    ['k=v, any case', 'REFRESH_TOKEN=rt-prod-12345 Api-Key=k-1', 'rt-prod-12345'],
  ])('text: %s', (_name, input, leak) => {
    expect(s.text(input)).not.toContain(leak);
  });

  it('text keeps non-credential names that merely contain a sensitive word', () => {
    for (const line of ['maxTokens=4096 tokenCount=3', '{"totalTokens":"512","tokenConfigured":"yes"}', 'obsession=x1 possession=y2']) {
      expect(s.text(line)).toBe(line);
    }
  });

  it('deep() and the logger redact values under camelCase credential keys', () => {
    expect(JSON.stringify(s.deep({ sessionToken: 'st-prod-12345' }))).not.toContain('st-prod-12345');
    expect(s.deep({ maxTokens: 'x', sessionToken: 'st-prod-12345' })).toEqual({ maxTokens: 'x', sessionToken: '<redacted>' });
    const lines: string[] = [];
    createLogger({ stream: { write: (l: string) => lines.push(l) } }).info('sts', { credentials: { accessKeyId: 'x', sessionToken: 'st-prod-12345' } });
    expect(lines.join('')).not.toContain('st-prod-12345');
  });
});
