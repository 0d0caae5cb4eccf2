import { describe, expect, it } from 'vitest';
import { errorCode } from '../../functions/platform/scrape-http.ts';

const withCode = (code: unknown, cause?: unknown) => Object.assign(new Error('boom http://user:pw@host/x?token=abc'), { code }, cause ? { cause } : {});

describe('errorCode', () => {
  it('gives a Node/axios error code from the error or its causes', () => {
    expect(errorCode(withCode('ECONNREFUSED'))).toBe('ECONNREFUSED');
    expect(errorCode(withCode('ERR_BAD_RESPONSE', withCode('ECONNRESET')))).toBe('ECONNRESET');
    expect(errorCode(withCode('ERR_BAD_RESPONSE'), ['ERR_CANCELED'])).toBe('ERR_BAD_RESPONSE');
  });

  it('lets nothing that is not shaped like a code through: it goes into findings', () => {
    for (const bad of ['http://host/?token=abc', 'Bearer abc', 'econnrefused', '', 'A'.repeat(65), 42, { x: 1 }]) {
      expect(errorCode(withCode(bad))).toBeUndefined();
    }
  });
});
