import { describe, expect, it } from 'vitest';
import { probeMetricsAuth } from '../../functions/platform/metrics-auth-probe.ts';
import { serverPerTest, closedPort } from './http-servers.ts';

const TEXT_CT = 'text/plain; version=0.0.4; charset=utf-8';
const BODY = '# HELP vm_memory_total_bytes Total BEAM memory.\n# TYPE vm_memory_total_bytes gauge\nvm_memory_total_bytes 123456\n';

const serve = serverPerTest();

describe('probeMetricsAuth', () => {
  it('sends no credentials, not even the ones in the URL, and sees an exposition', async () => {
    const s = await serve((_req, res) => res.writeHead(200, { 'content-type': TEXT_CT }).end(BODY));
    const r = await probeMetricsAuth(`http://user:pw@127.0.0.1:${s.port}/metrics`, { timeoutMs: 2_000 });
    expect(r).toEqual({ kind: 'status', status: 200, exposition: true });
    expect(s.requests[0]!.headers.authorization).toBeUndefined();
    expect(s.requests[0]!.headers.cookie).toBeUndefined();
  });

  it.each([401, 403, 404, 500])('reports %i as a status', async (status) => {
    const s = await serve((_req, res) => res.writeHead(status, { 'content-type': 'text/plain' }).end('nope\n'));
    expect(await probeMetricsAuth(`${s.url}/metrics`, { timeoutMs: 2_000 })).toEqual({ kind: 'status', status, exposition: false });
  });

  it('does not follow a redirect', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/metrics') res.writeHead(302, { location: '/login' }).end();
      else res.writeHead(200, { 'content-type': TEXT_CT }).end(BODY);
    });
    expect(await probeMetricsAuth(`${s.url}/metrics`, { timeoutMs: 2_000 })).toEqual({ kind: 'status', status: 302, exposition: false });
    expect(s.requests.map((r) => r.url)).toEqual(['/metrics']);
  });

  it('a 200 login page (HTML, or text that is not an exposition) is not an exposition', async () => {
    const html = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>login</html>'));
    expect(await probeMetricsAuth(`${html.url}/metrics`, { timeoutMs: 2_000 })).toMatchObject({ status: 200, exposition: false });
    const text = await serve((_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('<!doctype html>\n'));
    expect(await probeMetricsAuth(`${text.url}/metrics`, { timeoutMs: 2_000 })).toMatchObject({ status: 200, exposition: false });
  });

  it('reads only the start of a huge body', async () => {
    let written = 0;
    const s = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': TEXT_CT });
      const chunk = Buffer.from(`${'x_total 1\n'.repeat(6_500)}`);
      const pump = (): void => {
        while (written < 200 * 1024 * 1024) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        res.end();
      };
      pump();
    });
    expect(await probeMetricsAuth(`${s.url}/metrics`, { timeoutMs: 5_000 })).toEqual({ kind: 'status', status: 200, exposition: true });
    expect(written).toBeLessThan(50 * 1024 * 1024);
  });

  it('never throws: refused, timed out, aborted', async () => {
    expect(await probeMetricsAuth(`http://127.0.0.1:${await closedPort()}/metrics`, { timeoutMs: 1_000 })).toEqual({ kind: 'error', error: 'ECONNREFUSED' });
    const hang = await serve(() => undefined);
    expect(await probeMetricsAuth(`${hang.url}/metrics`, { timeoutMs: 150 })).toEqual({ kind: 'error', error: 'timeout' });
    expect(await probeMetricsAuth(`${hang.url}/metrics`, { timeoutMs: 5_000, signal: AbortSignal.abort() })).toEqual({ kind: 'error', error: 'aborted' });
    expect(await probeMetricsAuth('not a url', { timeoutMs: 1_000 })).toEqual({ kind: 'error', error: 'invalid-url' });
  });
});
