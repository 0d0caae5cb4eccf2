import type { IncomingMessage, ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { HttpCheck } from '../../functions/config/checks.ts';
import { httpCheckFindings } from '../../functions/core/probes/http-check-findings.ts';
import { evaluateHttpCheck } from '../../functions/core/probes/http-check-verdict.ts';
import { performHttpCheck, type ResolvedBody, type ResolvedHeader } from '../../functions/platform/http-check.ts';
import { serverPerTest } from './http-servers.ts';

const serve = serverPerTest();

/** What the server got: the body is read whole before answering, so it is complete when the check resolves. */
interface Received {
  method: string;
  url: string;
  contentType: string | undefined;
  contentLength: string | undefined;
  body: string;
}

function recording(answer: (r: Received, res: ServerResponse) => void) {
  const received: Received[] = [];
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = {
        method: req.method ?? '',
        url: req.url ?? '',
        contentType: req.headers['content-type'],
        contentLength: req.headers['content-length'],
        body: Buffer.concat(chunks).toString('utf8'),
      };
      received.push(r);
      answer(r, res);
    });
  };
  return { received, handler };
}

function check(url: string, extra: Record<string, unknown> = {}): HttpCheck {
  return HttpCheck.parse({ name: 'responses', method: 'POST', url, timeout: 2000, followRedirects: true, ...extra });
}

const jsonBody = (value: unknown): ResolvedBody => ({ data: Buffer.from(JSON.stringify(value)), contentType: 'application/json', secret: false });
const secretBody = (text: string): ResolvedBody => ({ data: Buffer.from(text), contentType: 'application/json', secret: true });

async function run(c: HttpCheck, body: ResolvedBody | undefined, headers: Record<string, ResolvedHeader> = {}) {
  const obs = await performHttpCheck({ check: c, headers, ...(body ? { body } : {}) });
  const verdict = evaluateHttpCheck(c, obs, Date.now());
  return { obs, verdict, findings: httpCheckFindings(c, verdict, obs) };
}

const ok = (_r: Received, res: ServerResponse): void => void res.writeHead(200).end('ok');

describe('performHttpCheck with a request body', () => {
  it('POST sends exactly the body, its content type and its length (multi-byte counted in bytes)', async () => {
    const { received, handler } = recording(ok);
    const s = await serve(handler);
    const payload = { model: 'gpt-5-mini', input: 'ping — ✓', max_output_tokens: 16 };
    const { verdict } = await run(check(`${s.url}/v1/responses`), jsonBody(payload));
    expect(verdict.status).toBe('ok');
    expect(received).toEqual([
      {
        method: 'POST',
        url: '/v1/responses',
        contentType: 'application/json',
        contentLength: String(Buffer.byteLength(JSON.stringify(payload))),
        body: JSON.stringify(payload),
      },
    ]);
    expect(Number(received[0]!.contentLength)).toBeGreaterThan(JSON.stringify(payload).length);
  });

  it('a Content-Type header wins over the body kind; PUT and PATCH send the body too', async () => {
    const { received, handler } = recording(ok);
    const s = await serve(handler);
    const body = { data: Buffer.from('a=1'), contentType: 'text/plain; charset=utf-8', secret: false };
    await run(check(s.url, { method: 'PUT', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), body, {
      'content-type': { value: 'application/x-www-form-urlencoded', secret: false },
    });
    await run(check(s.url, { method: 'PATCH' }), body);
    expect(received.map((r) => [r.method, r.contentType, r.body])).toEqual([
      ['PUT', 'application/x-www-form-urlencoded', 'a=1'],
      ['PATCH', 'text/plain; charset=utf-8', 'a=1'],
    ]);
  });

  it('307 and 308 repeat the method and the body; 303, and 302 after a POST, continue as GET without body', async () => {
    const { received, handler } = recording((r, res) => {
      const to = { '/t307': [307, '/a'], '/t308': [308, '/b'], '/t303': [303, '/c'], '/t302': [302, '/d'] }[r.url] as [number, string] | undefined;
      if (to) res.writeHead(to[0], { location: to[1] }).end();
      else res.writeHead(200).end('landed');
    });
    const s = await serve(handler);
    const body = jsonBody({ probe: true });
    for (const path of ['/t307', '/t308', '/t303', '/t302']) {
      const { obs } = await run(check(`${s.url}${path}`), body);
      expect(obs).toMatchObject({ status: 200, redirects: 1 });
    }
    expect(received.map((r) => [r.method, r.url, r.body, r.contentType ?? null])).toEqual([
      ['POST', '/t307', '{"probe":true}', 'application/json'],
      ['POST', '/a', '{"probe":true}', 'application/json'],
      ['POST', '/t308', '{"probe":true}', 'application/json'],
      ['POST', '/b', '{"probe":true}', 'application/json'],
      ['POST', '/t303', '{"probe":true}', 'application/json'],
      ['GET', '/c', '', null],
      ['POST', '/t302', '{"probe":true}', 'application/json'],
      ['GET', '/d', '', null],
    ]);
    // A GET carries no framing for a body that is gone.
    expect(received[5]!.contentLength).toBeUndefined();
  });

  it('a body from a secret ref is never sent to another origin: a 307 there fails; a 303 there goes without it', async () => {
    const other = recording(ok);
    const elsewhere = await serve(other.handler);
    const { received, handler } = recording((r, res) => {
      if (r.url === '/away307') res.writeHead(307, { location: `${elsewhere.url}/landing` }).end();
      else if (r.url === '/away303') res.writeHead(303, { location: `${elsewhere.url}/landing` }).end();
      else if (r.url === '/here307') res.writeHead(307, { location: '/same' }).end();
      else res.writeHead(200).end('ok');
    });
    const s = await serve(handler);
    const secret = '{"api_key":"sk-body-secret-Zq81"}';

    const blocked = await run(check(`${s.url}/away307`), secretBody(secret));
    expect(blocked.obs.error).toEqual({ kind: 'secret-body-redirect' });
    expect(blocked.verdict.failures.map((r) => r.code)).toEqual(['secret-body-redirect']);
    expect(blocked.findings[0]!.summary).toBe('check responses failed: a 307/308 redirect to another origin, not followed: it would re-send the secret body');
    expect(blocked.findings[0]!.hint).toMatch(/final URL/);
    expect(other.received).toEqual([]);

    const sameOrigin = await run(check(`${s.url}/here307`), secretBody(secret));
    expect(sameOrigin.obs.status).toBe(200);
    expect(received.at(-1)).toMatchObject({ method: 'POST', url: '/same', body: secret });

    const seeOther = await run(check(`${s.url}/away303`), secretBody(secret));
    expect(seeOther.obs.status).toBe(200);
    expect(other.received).toEqual([{ method: 'GET', url: '/landing', contentType: undefined, contentLength: undefined, body: '' }]);

    // A literal body is config in clear, not a secret: a 307 to another origin repeats it, as HTTP says.
    await run(check(`${s.url}/away307`), jsonBody({ public: 1 }));
    expect(other.received.at(-1)).toMatchObject({ method: 'POST', url: '/landing', body: '{"public":1}' });
  });

  it('the request body never reaches a finding, even when the server echoes it back everywhere it can', async () => {
    const marker = 'pw-REQUEST-BODY-7f3c9e';
    const echo = recording((r, res) => {
      if (r.url === '/reset') {
        res.socket?.destroy();
        return;
      }
      res.writeHead(422, `Bad ${marker}`, { 'x-echo': marker, location: `/${marker}` }).end(JSON.stringify({ error: r.body }));
    });
    const s = await serve(echo.handler);
    const body = jsonBody({ input: marker });
    const rejected = await run(
      check(`${s.url}/v1/responses?note=${marker}`, {
        maxLatency: 1,
        expectBody: [{ type: 'contains', value: 'completed' }, { type: 'jsonPath', path: '$.error', equals: 'none' }],
      }),
      body,
    );
    const reset = await run(check(`${s.url}/reset`), body);
    const secretEcho = await run(check(`${s.url}/v1/responses`, { expectStatus: [422], expectBody: [{ type: 'regex', pattern: '^ok$' }] }), secretBody(marker));
    expect(echo.received.map((r) => r.body)).toEqual([`{"input":"${marker}"}`, `{"input":"${marker}"}`, marker]);
    expect(rejected.verdict.status).toBe('failed');
    expect(reset.obs.error?.kind).toBe('connection-reset');
    expect(secretEcho.verdict.failures.map((r) => r.code)).toEqual(['body']);
    for (const r of [rejected, reset, secretEcho]) {
      expect(r.findings.length).toBeGreaterThan(0);
      const reported = JSON.stringify([r.findings, r.verdict, r.obs.error ?? null]);
      expect(reported).not.toContain(marker);
      expect(reported).not.toContain('input');
    }
  });
});
