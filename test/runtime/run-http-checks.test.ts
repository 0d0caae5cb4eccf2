import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Transition } from '../../functions/core/alerts/index.ts';
import { Config } from '../../functions/config/schema.ts';
import { ConfigError } from '../../functions/platform/errors.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import { runLoop } from '../../functions/runtime/run.ts';
import { startServer, type TestServer } from '../platform/http-servers.ts';

let server: TestServer | undefined;
let dir: string | undefined;
afterEach(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  server = undefined;
  dir = undefined;
});

function setup(checks: unknown[]) {
  const config = Config.parse({
    checks,
    interval: 1,
    state: { dir: dir! },
  });
  const seen: Transition[] = [];
  const lines: string[] = [];
  let t = Date.parse('2026-11-24T10:00:00Z');
  return {
    config,
    seen,
    lines,
    opts: {
      config,
      sinks: [{ write: async (ts: Transition[]) => void seen.push(...ts) }],
      logger: createLogger({ stream: { write: (l: string) => lines.push(l) } }),
      out: { write: () => true },
      now: () => (t += 30_000),
    },
  };
}

describe('run loop with synthetic HTTP checks', () => {
  it('runs the configured checks every round and fires after failureThreshold rounds', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-run-checks-'));
    server = await startServer((_req, res) => res.writeHead(503).end());
    const s = setup([{ name: 'api', url: server.url, failureThreshold: 2 }]);
    expect(await runLoop({ ...s.opts, rounds: 2 })).toBe(2);
    expect(server.requests).toHaveLength(2);
    expect(s.seen.map((t) => [t.action, t.state.rule, t.state.pod])).toEqual([['trigger', 'http-check-failed', 'api']]);
    expect(s.lines.filter((l) => l.includes('"msg":"http check"'))).toHaveLength(2);
  });

  it('a missing check secret fails fast at start-up, naming the reference', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-run-checks-'));
    const s = setup([{ name: 'api', url: 'http://127.0.0.1:9/', headers: { Authorization: { env: 'PW_TEST_UNSET_VAR' } } }]);
    await expect(runLoop({ ...s.opts, rounds: 1, env: {} })).rejects.toThrow(ConfigError);
    await expect(runLoop({ ...s.opts, rounds: 1, env: {} })).rejects.toThrow(/env:PW_TEST_UNSET_VAR/);
  });
});
