import http from 'node:http';
import type { LookupFunction } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { watchConnects } from '../../functions/platform/connect-watch.ts';
import { startServer } from './http-servers.ts';
import type { TestServer } from './http-servers.ts';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

function get(agent: http.Agent, url: string, lookup?: LookupFunction): Promise<string> {
  return new Promise((resolve) => {
    const req = http.get(url, { agent, ...(lookup ? { lookup } : {}) }, (res) => {
      res.resume();
      res.on('end', () => resolve(`status ${res.statusCode}`));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(`error ${err.code ?? err.message}`));
  });
}

describe('watchConnects', () => {
  it('fires when the connection is not established in time (here: a lookup that never answers)', async () => {
    let fired = 0;
    const watch = watchConnects(50, () => (fired += 1));
    const started = Date.now();
    const neverResolves: LookupFunction = () => undefined;
    const outcome = await get(watch.httpAgent, 'http://never.invalid/', neverResolves);
    watch.dispose();
    expect(fired).toBe(1);
    expect(outcome).toMatch(/^error /);
    expect(Date.now() - started).toBeLessThan(400);
  });

  it('does not fire once connected, however slow the response', async () => {
    const s = await startServer((_req, res) => setTimeout(() => res.end('ok'), 120));
    servers.push(s);
    let fired = 0;
    const watch = watchConnects(30, () => (fired += 1));
    expect(await get(watch.httpAgent, s.url)).toBe('status 200');
    watch.dispose();
    expect(fired).toBe(0);
  });
});
