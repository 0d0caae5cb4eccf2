import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { registeredSecretValues } from '../../functions/platform/secrets.ts';
import { sigv4Headers, type AwsCredentials } from '../../functions/platform/sigv4.ts';

/**
 * `pooler-watch run` with a SigV4 PromQL target (Amazon Managed Prometheus) on EKS gets short-lived credentials from
 * IRSA / Pod Identity: a new secret key and session token about every hour. They are redacted as rotating values (the
 * current set and the one before), so the process-wide registry, and every sanitizer built from it, stays bounded.
 */
describe('secret redaction registry under credential rotation', () => {
  it('stays bounded over 30 days of hourly STS rotation', async () => {
    const before = registeredSecretValues().length;
    const HOURS = 30 * 24;
    let creds: AwsCredentials | undefined;
    const provider = async (): Promise<AwsCredentials> => creds!;
    for (let h = 0; h < HOURS; h++) {
      // A realistic STS shape: 40-char secret key, ~900-char session token.
      creds = { accessKeyId: `ASIA${h}`, secretAccessKey: randomBytes(30).toString('base64'), sessionToken: randomBytes(675).toString('base64') };
      await sigv4Headers({ url: new URL('https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/api/v1/query'), query: [['query', 'up']], region: 'eu-west-1', service: 'aps', credentials: provider, signingDate: new Date(Date.UTC(2026, 10, 24, h)) });
    }
    const grown = registeredSecretValues().length - before;
    const bytes = registeredSecretValues().reduce((n, v) => n + v.length, 0);
    // Expired credentials cannot be used by anyone: only the current (and maybe the previous) set need redacting.
    expect({ grown, kib: Math.round(bytes / 1024) }).toEqual({ grown: expect.toSatisfy((n: number) => n <= 16), kib: expect.toSatisfy((n: number) => n <= 16) });
  });
});

describe('registerRotating', () => {
  it('keeps the current and the previous values of a slot redacted, and forgets older ones', async () => {
    const { registerRotating } = await import('../../functions/platform/secrets.ts');
    const keys = ['rot-key-one-0123456789', 'rot-key-two-0123456789', 'rot-key-three-0123456789'];
    for (const k of keys) registerRotating('test-slot', [k]);
    const held = registeredSecretValues();
    expect(held).toContain(keys[2]);
    expect(held).toContain(keys[1]);
    expect(held).not.toContain(keys[0]);
    registerRotating('other-slot', ['rot-other-0123456789']);
    expect(registeredSecretValues()).toContain(keys[2]);
  });
});
