import { describe, expect, it } from 'vitest';
import type { CertificateFacts } from '../../../functions/core/probes/http-check-types.ts';
import { soonestExpiry } from '../../../functions/core/probes/http-check-verdict.ts';

const DAY = 86_400_000;
const NOW = Date.parse('2026-11-26T00:00:00Z');
const cert = (days: number, extra: Partial<CertificateFacts> = {}): CertificateFacts => ({ notBefore: NOW - 30 * DAY, notAfter: NOW + days * DAY, selfSigned: false, ...extra });

describe('soonestExpiry', () => {
  it('names the soonest certificate by its place in the chain', () => {
    expect(soonestExpiry([cert(90), cert(5), cert(900, { selfSigned: true })], NOW)).toMatchObject({ position: 'intermediate 1', daysLeft: 5 });
    expect(soonestExpiry([cert(90), cert(500), cert(3, { selfSigned: true })], NOW)?.position).toBe('root');
    expect(soonestExpiry([cert(2), cert(500)], NOW)?.position).toBe('leaf');
    expect(soonestExpiry([], NOW)).toBeUndefined();
  });

  it('after redirects, counts the position within the hop that presented the certificate', () => {
    // First host: leaf + intermediate + root; second host (redirect 1): its leaf expires first.
    const chain = [cert(90), cert(400), cert(900, { selfSigned: true }), cert(4, { hop: 1 }), cert(300, { hop: 1 })];
    expect(soonestExpiry(chain, NOW)).toMatchObject({ position: 'leaf after redirect 1', daysLeft: 4 });
    const intermediateLater = [cert(90), cert(4, { hop: 2 }), cert(1, { hop: 2 }), cert(900, { hop: 2, selfSigned: true })];
    expect(soonestExpiry(intermediateLater, NOW)?.position).toBe('intermediate 1 after redirect 2');
  });
});
