import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createSanitizer } from '../../../functions/core/sanitize/index.ts';
import type { Sanitizer } from '../../../functions/core/sanitize/index.ts';
import { formArb, leakForms, metricNameArb, podNameArb, promEscape, promqlArb, quantityArb, secretArb } from './arbitraries.ts';

const RUNS = { numRuns: 200 };

function expectNoLeak(out: string, secret: string): void {
  for (const form of leakForms(secret)) expect(out.includes(form), `leaked ${JSON.stringify(form)} in ${JSON.stringify(out)}`).toBe(false);
}

function expectIdempotent(s: Sanitizer, out: string): void {
  expect(s.text(out)).toBe(out);
}

const sanitizerFor = (secret: string): Sanitizer => createSanitizer({ secrets: [secret], hashLabels: ['user', 'api_key_id', 'session_id'] });
const prose = fc.constantFrom('scrape of pool-0 failed:', 'upstream said', 'retrying with', 'token', 'Authorization:', 'id=', '', '"', 'x');

describe('sanitizer properties: no form of a registered secret survives', () => {
  it('in free text', () => {
    fc.assert(
      fc.property(secretArb.chain((secret) => fc.tuple(fc.constant(secret), formArb(secret), prose, prose, fc.boolean())), ([secret, form, before, after, spaced]) => {
        const s = sanitizerFor(secret);
        const out = s.text(spaced ? `${before} ${form} ${after}` : `${before}${form}${after}`);
        expectNoLeak(out, secret);
        expectIdempotent(s, out);
      }),
      RUNS,
    );
  });

  it('in URLs: userinfo, path and query, through url() and text()', () => {
    const param = fc.constantFrom('token', 'x', 'page', 'access_token', 'q');
    fc.assert(
      fc.property(secretArb.chain((secret) => fc.tuple(fc.constant(secret), formArb(secret), param)), ([secret, form, name]) => {
        const s = sanitizerFor(secret);
        const enc = encodeURIComponent(form);
        const urls = [
          `https://prom:${enc}@pool.codex.svc:9568/metrics`,
          `https://${enc}@pool.codex.svc/metrics`,
          `https://pool.codex.svc:9568/hooks/${enc}/metrics`,
          `https://pool.codex.svc/metrics?${name}=${enc}&x=1#${enc}`,
        ];
        for (const url of urls) {
          for (const out of [s.url(url), s.text(url), s.text(`GET ${url} -> 500`)]) {
            expectNoLeak(out, secret);
            expectIdempotent(s, out);
          }
        }
        expect(s.url(urls[3]!)).toBe('https://pool.codex.svc/metrics');
      }),
      RUNS,
    );
  });

  it('in nested JSON payloads, through deep() and as JSON text', () => {
    fc.assert(
      fc.property(secretArb.chain((secret) => fc.tuple(fc.constant(secret), formArb(secret))), ([secret, form]) => {
        const s = sanitizerFor(secret);
        const payload = { alert: { labels: { pod: `p-${form}` }, list: [1, `x ${form} y`, { [form]: true, nested: [[form]] }] }, n: 3 };
        const deep = s.deep(payload);
        expectNoLeak(JSON.stringify(deep), secret);
        expect(deep.n).toBe(3);
        const asText = s.text(JSON.stringify(payload));
        expectNoLeak(asText, secret);
        expectIdempotent(s, asText);
      }),
      RUNS,
    );
  });

  it('in label and annotation values (allowlisted, dropped or hashed)', () => {
    fc.assert(
      fc.property(secretArb.chain((secret) => fc.tuple(fc.constant(secret), formArb(secret))), ([secret, form]) => {
        const s = sanitizerFor(secret);
        const labels = s.labels({ pod: `pool-${form}`, namespace: form, user: secret, session_id: form, cookie: form, [`x${secret}`]: 'v' });
        const annotations = s.annotations({ summary: `OOM risk ${form}`, description: form.repeat(30), secret: form });
        const out = JSON.stringify([labels, annotations]);
        expectNoLeak(out, secret);
        expect(Object.keys(labels).sort()).toEqual(['namespace', 'pod', 'session_id', 'user']);
        expect(labels.user).toMatch(/^sha256:[0-9a-f]{12}$/);
        expect(Object.keys(annotations).sort()).toEqual(['description', 'summary']);
      }),
      RUNS,
    );
  });

  it('in exposition text lines and error messages', () => {
    fc.assert(
      fc.property(secretArb.chain((secret) => fc.tuple(fc.constant(secret), formArb(secret))), ([secret, form]) => {
        const s = sanitizerFor(secret);
        const exposition = `# HELP x_info Info.\nx_info{pod="pool-0",token="${promEscape(form)}"} 1\nvm_memory_total_bytes{pod="${promEscape(form)}"} 1.2e9\n`;
        const err = new Error(`request to https://pool/?token=${encodeURIComponent(form)} failed: ${form}`, { cause: form });
        for (const out of [s.text(exposition), s.text(err.message), s.text(String(err)), s.text(`${err.stack ?? ''}`)]) {
          expectNoLeak(out, secret);
          expectIdempotent(s, out);
        }
      }),
      RUNS,
    );
  });
});

describe('sanitizer properties: idempotent, and benign text untouched', () => {
  const soup = fc.string({
    unit: fc.constantFrom('Bearer ', 'token=', 'Token ', 'https://', 'a:b@', '?key=', '&', 'eyJhbGciOi', '.', '/', '=', '"', ':', ' ', '\n', 'Authorization: ', 'cookie=', 'sk-', 'AbC', 'x9', 'Zq7', '-', '_', '<redacted>', 'AKIA', 'ghp_', '{"password":', '0123456789'),
    maxLength: 60,
  });

  it('text(text(x)) === text(x) on hostile token soup', () => {
    const s = createSanitizer({ secrets: ['sk-registered-secret-value'] });
    fc.assert(
      fc.property(soup, (x) => {
        const once = s.text(x);
        expect(s.text(once)).toBe(once);
      }),
      { numRuns: 1000 },
    );
  });

  it('text(text(x)) === text(x) on base64 cut by `/` and `=`, KEY=value runs, paths and `name: value` fields', () => {
    const s = createSanitizer({ secrets: [] });
    const b64 = fc.string({ unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+_-'), minLength: 1, maxLength: 40 });
    const piece = fc.oneof(
      b64,
      b64,
      fc.constantFrom('/', '/', '=', '==', 'KEY=', 'v1', 'files', 'Users', 'content', ' ', '<redacted>', 'password: ', "'token': '", '"', 'aToken=', 'x/Ab', ':'),
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), (pieces) => {
        const once = s.text(pieces.join(''));
        expect(s.text(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('pod names, metric names, quantities and PromQL pass unchanged', () => {
    const s = createSanitizer({ secrets: ['fa4e-secret-value-0'] });
    fc.assert(
      fc.property(podNameArb, metricNameArb, quantityArb, promqlArb, (pod, metric, quantity, promql) => {
        for (const benign of [pod, metric, quantity, promql, `${metric}{pod="${pod}"} ${quantity}`, `working set of ${pod} at ${quantity}`]) {
          expect(s.text(benign)).toBe(benign);
        }
        expect(s.labels({ pod, job: metric, reason: quantity })).toEqual({ pod, job: metric, reason: quantity });
        expect(s.annotations({ promql })).toEqual({ promql });
      }),
      { numRuns: 300 },
    );
  });
});
