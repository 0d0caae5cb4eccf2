import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handleWebhook, type WebhookDeps, type WebhookRequest } from '../../../functions/platform/receiver/index.ts';
import { fixtureText } from '../../core/alertmanager/load-fixture.ts';
import { bearerHeader, testDeps } from './helpers.ts';

// Bounded: about 2,500 hostile requests in all, a few seconds.
const RUNS = 400;
const CAP = 16 * 1024;
const valid = fixtureText('codex-pooler-firing-resolved');

function post(body: string | Buffer, headers: Record<string, string> = {}): WebhookRequest {
  return { method: 'POST', path: '/alertmanager', headers: { 'content-type': 'application/json', authorization: bearerHeader, ...headers }, body };
}

function deps(overrides: Partial<WebhookDeps> = {}): WebhookDeps {
  return testDeps({ maxBodyBytes: CAP, ...overrides }).deps;
}

async function statusOf(req: WebhookRequest, d: WebhookDeps = deps()): Promise<number> {
  const res = await handleWebhook(req, d);
  expect(() => JSON.parse(res.body)).not.toThrow();
  return res.status;
}

const is4xx = (s: number): boolean => s >= 400 && s < 500;

/** A JSON path into the valid payload and a replacement value: the shapes a broken sender produces. */
const mutation = fc.record({
  path: fc.constantFrom(
    ['version'],
    ['groupKey'],
    ['status'],
    ['receiver'],
    ['truncatedAlerts'],
    ['alerts'],
    ['alerts', 0],
    ['alerts', 0, 'labels'],
    ['alerts', 0, 'labels', 'pod'],
    ['alerts', 1, 'annotations', 'summary'],
    ['alerts', 2, 'startsAt'],
    ['alerts', 2, 'endsAt'],
    ['alerts', 0, 'fingerprint'],
    ['alerts', 0, 'generatorURL'],
    ['commonLabels'],
    ['alerts', 0, 'labels', '__proto__'],
    ['alerts', 0, 'labels', 'constructor'],
  ),
  value: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.string({ maxLength: 64, unit: 'binary' }), fc.constant(undefined)),
});

function mutate(path: readonly (string | number)[], value: unknown): string {
  const root = JSON.parse(valid) as Record<string | number, unknown>;
  let node: Record<string | number, unknown> = root;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (next === null || typeof next !== 'object') return JSON.stringify(root);
    node = next as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value === undefined) delete node[last];
  else Object.defineProperty(node, last, { value, enumerable: true, writable: true, configurable: true });
  return JSON.stringify(root);
}

describe('handleWebhook under hostile input (fast-check)', () => {
  it('arbitrary bytes and text: always 4xx, never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 512, unit: 'binary' }), fc.uint8Array({ maxLength: 512 }).map((a) => Buffer.from(a))), async (body) => {
        expect(is4xx(await statusOf(post(body)))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('arbitrary JSON values: 400', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 6 }), async (value) => {
        expect(await statusOf(post(JSON.stringify(value) ?? 'null'))).toBe(400);
      }),
      { numRuns: RUNS },
    );
  });

  it('mutated valid payloads: 200 or 400, never 5xx, and 400s name paths, not values', async () => {
    await fc.assert(
      fc.asyncProperty(mutation, async ({ path, value }) => {
        const body = mutate(path, value);
        const res = await handleWebhook(post(body), deps());
        expect([200, 400, 413]).toContain(res.status);
        if (res.status === 400 && typeof value === 'string' && value.length > 3 && !/^[\w.() ]*$/.test(value)) expect(res.body).not.toContain(JSON.stringify(value).slice(1, -1));
      }),
      { numRuns: RUNS },
    );
  });

  it('deep nesting, oversized bodies and hostile headers: 4xx', async () => {
    const deep = fc.record({ depth: fc.integer({ min: 65, max: 20_000 }), open: fc.constantFrom('[', '{"a":'), close: fc.boolean() }).map(({ depth, open, close }) => {
      const closer = open === '[' ? ']' : '}';
      return post(open.repeat(depth) + (close ? `1${closer.repeat(depth)}` : ''), {});
    });
    const oversized = fc.integer({ min: CAP + 1, max: 4 * CAP }).map((n) => post(' '.repeat(n)));
    const declared = fc.integer({ min: CAP + 1, max: 2 ** 40 }).map((n) => post(valid, { 'content-length': String(n) }));
    const badAuth = fc.string({ maxLength: 200 }).map((a) => post(valid, { authorization: a }));
    const badType = fc.string({ maxLength: 60 }).filter((t) => !/json/i.test(t)).map((t) => post(valid, { 'content-type': t }));
    const badRoute = fc.record({ method: fc.constantFrom('GET', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE'), path: fc.oneof(fc.constant('/alertmanager'), fc.webPath()) }).map(
      ({ method, path }) => ({ ...post(valid), method, path }),
    );
    await fc.assert(
      fc.asyncProperty(fc.oneof(deep, oversized, declared, badAuth, badType, badRoute), async (req) => {
        const status = await statusOf(req);
        if (req.path === '/healthz' && req.method === 'GET') expect(status).toBe(200);
        else expect(is4xx(status)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('hostile but valid alerts (huge, many, odd keys, lone surrogates): 200, output bounded', async () => {
    const str = fc.oneof(fc.string({ maxLength: 300, unit: 'binary' }), fc.constantFrom('\ud800', '__proto__', 'constructor', 'Bearer '.repeat(50), 'a'.repeat(16 * 1024)));
    const labels = fc.dictionary(fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom('pod', 'rule', 'alertname', 'severity', 'namespace')), str, { maxKeys: 20 });
    const alert = fc.record({
      status: fc.constantFrom('firing', 'resolved'),
      labels,
      annotations: labels,
      startsAt: fc.constant('2026-11-24T10:00:00Z'),
      generatorURL: fc.oneof(str, fc.webUrl({ withQueryParameters: true })),
      fingerprint: str.filter((s) => s.length > 0),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(alert, { minLength: 1, maxLength: 5 }), async (alerts) => {
        const body = JSON.stringify({ version: '4', groupKey: 'g', status: 'firing', receiver: 'r', alerts });
        const d = testDeps({ maxBodyBytes: 1024 * 1024 });
        const res = await handleWebhook(post(body), d.deps);
        expect(res.status).toBe(200);
        for (const { item } of d.batches[0]!.alerts) {
          expect(item.fingerprint.length).toBeLessThanOrEqual(67);
          expect(item.pod.length).toBeLessThanOrEqual(256);
          expect(item.summary.length).toBeLessThanOrEqual(2048);
        }
      }),
      { numRuns: 200 },
    );
  });

  it('5xx only when the injected handle throws (503), never otherwise', async () => {
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.constantFrom(new Error('x'), new TypeError('y'), 'string thrown', undefined), async (fail, thrown) => {
        const d = deps({
          maxBodyBytes: 1024 * 1024,
          handle: async () => {
            if (fail) throw thrown;
            return 'accepted';
          },
        });
        expect(await statusOf(post(valid), d)).toBe(fail ? 503 : 200);
      }),
      { numRuns: 100 },
    );
  });
});
