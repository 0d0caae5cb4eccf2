import { afterEach, describe, expect, it } from 'vitest';
import { Config } from '../../functions/config/schema.ts';
import { CHECK_EXIT, check, renderCheck } from '../../functions/runtime/check.ts';
import { startServer, type TestServer } from '../platform/http-servers.ts';

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('check command with synthetic HTTP checks in --config', () => {
  it('runs them once: report, human lines and exit code (critical when one fails)', async () => {
    server = await startServer((req, res) => (req.url === '/up' ? res.writeHead(200).end('ok') : res.writeHead(500).end()));
    const config = Config.parse({
      checks: [
        { name: 'up', url: `${server.url}/up` },
        { name: 'down', url: `${server.url}/down` },
      ],
    });
    const report = await check(config, {});
    expect(report.checks.map((c) => [c.check, c.ok])).toEqual([
      ['up', true],
      ['down', false],
    ]);
    // A one-shot run has no history: the finding is reported even though failureThreshold would keep it pending.
    expect(report.findings.map((f) => [f.rule, f.pod])).toEqual([['http-check-failed', 'down']]);
    expect(report.exitCode).toBe(CHECK_EXIT.critical);
    const text = renderCheck(report);
    expect(text).toMatch(/^check up: passed in \d+ ms$/m);
    expect(text).toMatch(/^check down: FAILED in \d+ ms$/m);
  });

  it('exit 0 when every check passes', async () => {
    server = await startServer((_req, res) => res.writeHead(204).end());
    const report = await check(Config.parse({ checks: [{ name: 'up', url: server.url }] }), {});
    expect(report.exitCode).toBe(CHECK_EXIT.ok);
    expect(report.findings).toEqual([]);
  });
});
