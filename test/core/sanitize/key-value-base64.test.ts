import { describe, expect, it } from 'vitest';
import { buildSlackPayload } from '../../../functions/channels/slack.ts';
import { enrichPayload, parseAlertmanagerPayload } from '../../../functions/core/alertmanager/index.ts';
import { buildNotification } from '../../../functions/core/render/render.ts';
import { redactHighEntropy } from '../../../functions/core/sanitize/entropy.ts';
import { createSanitizer, isSensitiveKey, redactPatterns } from '../../../functions/core/sanitize/index.ts';
import { createLogger } from '../../../functions/platform/logger.ts';
import { FAKE } from './fixtures.ts';

/*
 * Base64 secrets contain `/` (and `=` padding), and they are most often written `NAME=value`. The high-entropy
 * pass judges segments between `/` and `=` alone (a URL path keeps its words), spreads a hit across `/` to
 * neighbouring segments that are not path words, and judges what is left unit by unit (`KEY=`, then the value
 * with its `/`), so a secret cut into short segments is still judged whole.
 */
const join = (...p: string[]): string => p.join('');
// AWS's documented example secret access key (never valid), 40 chars, segments 13/7/18.
const AWS_SECRET = FAKE.awsSecret;
// A Phoenix SECRET_KEY_BASE-like value (Codex Pooler is Phoenix): 64 base64 chars, two '/'.
const KEY_BASE = join('q8Vw2Lr5Tz0Kp7Nc3Hx9Bd4F', '/Ys1Gj6Ra8Ue2Io5Qt7W', '/Zk3Xv0Pb4Mc9Lh1Sd6F');
// 64 base64 chars with one '/' at 40: the first segment alone is long enough to judge, the 23-char tail is not.
const B64_TAIL = join('Bm6Kc1Xv8Pn3Lj5Hd9Wf0G');
const B64 = join('Zx8Qm2Lr7Vt4Np1Kc6Hs9Jd3Fg5Wb0YaUe7Io2Tq', '/', 'z', B64_TAIL);

const s = createSanitizer({ secrets: [] });
/** The shape rules alone, no credential name involved. */
const byEntropy = (text: string): string => redactHighEntropy(text);

describe('base64 secrets in NAME=value form', () => {
  it('the canonical AWS env line is redacted (the same value after a space already was)', () => {
    expect(s.text(`aws_secret_access_key ${AWS_SECRET}`)).not.toContain('EXAMPLEKEY');
    expect(s.text(`AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`)).not.toContain('bPxRfiCY');
    expect(s.text(`aws_secret_access_key=${AWS_SECRET}`)).not.toContain('bPxRfiCY');
    expect(s.text(`AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`)).toBe('AWS_SECRET_ACCESS_KEY=<redacted>');
  });

  it("Phoenix's SECRET_KEY_BASE=… is redacted", () => {
    expect(KEY_BASE).toHaveLength(64);
    expect(s.text(`SECRET_KEY_BASE=${KEY_BASE}`)).not.toContain('Ys1Gj6Ra8Ue2Io5Qt7W');
    expect(s.text(`SECRET_KEY_BASE=${KEY_BASE}`)).toBe('SECRET_KEY_BASE=<redacted>');
  });

  it('*_access_key, secret_key and secret_key_base are credential names', () => {
    for (const name of ['AWS_SECRET_ACCESS_KEY', 'aws_secret_access_key', 'aws_access_key', 'SECRET_KEY', 'SECRET_KEY_BASE', 'secret_key_base', 'secretAccessKey']) {
      expect(isSensitiveKey(name), name).toBe(true);
    }
    // An access key *id* is an identifier; its AKIA… value is caught by shape.
    expect(isSensitiveKey('AWS_ACCESS_KEY_ID')).toBe(false);
  });

  it('without a credential name, the value is judged whole by its shape', () => {
    expect(byEntropy(`MY_VAR=${AWS_SECRET}`)).toBe('MY_VAR=<redacted>');
    expect(byEntropy(`PHX_KEY=${KEY_BASE}`)).toBe('PHX_KEY=<redacted>');
    expect(byEntropy(`a=b&upload=${KEY_BASE}==`)).toBe('a=b&upload=<redacted>');
    expect(s.text(`env: MIX_ENV=prod UPSTREAM_SIGNING=${KEY_BASE} POOL_SIZE=10`)).toBe('env: MIX_ENV=prod UPSTREAM_SIGNING=<redacted> POOL_SIZE=10');
  });

  it('no part of a bare base64 secret with one "/" survives', () => {
    expect(B64).toHaveLength(64);
    expect(s.text(`upstream rejected ${B64}`)).not.toContain(B64_TAIL);
    expect(s.text(`upstream rejected ${B64}`)).toBe('upstream rejected <redacted>');
    expect(s.text(`upstream rejected ${B64_TAIL.slice(0, 9)}/${B64}`)).toBe('upstream rejected <redacted>');
  });

  it('a URL path keeps its words around a token, and env dumps keep their ordinary values', () => {
    for (const [input, expected] of [
      [`GET /v1/files/${FAKE.highEntropy}/content`, 'GET /v1/files/<redacted>/content'],
      [`GET /v1/Users/${FAKE.highEntropy}/files/2024-05-01`, 'GET /v1/Users/<redacted>/files/2024-05-01'],
      [`https://pool/files/${FAKE.highEntropy}`, 'https://pool/files/<redacted>'],
    ] as const) {
      expect(s.text(input)).toBe(expected);
    }
    for (const benign of [
      'MIX_ENV=prod PHX_HOST=pooler.example.com POOL_SIZE=10 CODEX_POOLER_MEMORY_SAMPLER_THRESHOLD_RATIO=0.70',
      'CODEX_POOLER_MEMORY_SAMPLER_MIN_INTERVAL_MS=60000 CODEX_POOLER_MEMORY_SAMPLER_TOP_ETS_TABLES=20',
      'ref=refs/heads/feature/memory-sampler-top-processes image=ghcr.io/acme/codex-pooler:1.4.2',
      'path=/api/v1/namespaces/codex-pooler/pods/codex-pooler-app-7d9f8b6c5-x2k4q/log',
      'var-pod=codex-pooler-app-0&var-namespace=codex-pooler&from=now-1h',
    ]) {
      expect(s.text(benign)).toBe(benign);
    }
  });

  it('is idempotent on every shape above', () => {
    for (const input of [`MY_VAR=${AWS_SECRET}`, `x=${B64}=y`, `${B64}/content`, `a/${KEY_BASE}=b=${AWS_SECRET}`, `/v1/files/${FAKE.highEntropy}/Zq/${B64_TAIL}`]) {
      const once = s.text(input);
      expect(s.text(once), input).toBe(once);
      expect(byEntropy(byEntropy(input))).toBe(byEntropy(input));
      expect(redactPatterns(once)).toBe(once);
    }
  });

  it('end to end: an Alertmanager annotation reaches neither the Slack message nor the log line', () => {
    const parsed = parseAlertmanagerPayload({
      version: '4',
      groupKey: '{}:{alertname="PoolerCrashLoop"}',
      status: 'firing',
      receiver: 'pooler-watch',
      alerts: [
        {
          status: 'firing',
          labels: { alertname: 'PoolerCrashLoop', pod: 'codex-pooler-app-0', severity: 'critical' },
          annotations: { summary: `boot failed, env: AWS_SECRET_ACCESS_KEY=${AWS_SECRET} MIX_ENV=prod` },
          startsAt: '2024-05-01T12:00:00Z',
          fingerprint: '3f9a1c2b7d4e5f60',
        },
      ],
    });
    if (!parsed.ok) throw new Error(parsed.issues.join());
    const [alert] = enrichPayload(parsed.payload, { sanitize: s });
    const n = buildNotification({ receiver: 'slack', groupKey: 'amw-x', kind: 'trigger', alerts: [alert!.item], transitionTimes: {}, now: 0 });
    const slack = JSON.stringify(buildSlackPayload(n));
    expect(slack).not.toContain('bPxRfiCY');
    expect(slack).toContain('MIX_ENV=prod');

    const lines: string[] = [];
    createLogger({ stream: { write: (l: string) => lines.push(l) } }).warn(`child exited: AWS_SECRET_ACCESS_KEY=${AWS_SECRET}`);
    expect(lines.join('')).not.toContain('bPxRfiCY');
  });
});
