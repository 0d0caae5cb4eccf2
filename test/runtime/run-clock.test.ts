import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Config } from '../../functions/config/schema.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import { runLoop } from '../../functions/runtime/run.ts';
import { startServer, type TestServer } from '../platform/http-servers.ts';

let server: TestServer | undefined;
let dir: string | undefined;
let stop: AbortController | undefined;
let running: Promise<unknown> | undefined;
afterEach(async () => {
  stop?.abort();
  await running?.catch(() => undefined);
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  server = dir = stop = running = undefined;
});

/** Real time, stepped by `step` ms right after the first round started (the clock's second reading). */
function steppedClock(step: number): () => number {
  let offset = 0;
  let calls = 0;
  return () => {
    calls += 1;
    if (calls === 2) offset = step;
    return Date.now() + offset;
  };
}

/**
 * The pause between rounds is measured on the monotonic clock and clamped to [0, interval]. On the wall clock, a
 * step back during a round (NTP step after a VM resume, a manual `date -s`) made the loop sleep `interval + |step|`
 * (a 1 h step back silenced the watchdog for an hour), and a step forward skipped the pause.
 */
describe('run: wall clock stepping during a round', () => {
  it('still starts the next round after about one interval when it steps back', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-run-clock-'));
    server = await startServer((_req, res) => res.writeHead(200).end('ok'));
    const config = Config.parse({ checks: [{ name: 'api', url: server.url }], interval: '200ms', state: { dir } });
    // Real time, but the clock is stepped back one hour right after the first round started.
    const now = steppedClock(-3_600_000);
    stop = new AbortController();
    running = runLoop({ config, sinks: [], logger: createLogger({ stream: { write: () => true } }), out: { write: () => true }, now, rounds: 2, signal: stop.signal, env: {} });
    const outcome = await Promise.race([running.then(() => 'two rounds'), new Promise((r) => setTimeout(() => r('still sleeping'), 10_000))]);
    expect(outcome).toBe('two rounds');
    expect(server.requests).toHaveLength(2);
  }, 15_000);

  it('still pauses between rounds when it steps forward', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-run-clock-'));
    const at: number[] = [];
    server = await startServer((_req, res) => {
      at.push(performance.now());
      res.writeHead(200).end('ok');
    });
    const config = Config.parse({ checks: [{ name: 'api', url: server.url }], interval: '1s', state: { dir } });
    const now = steppedClock(3_600_000);
    running = runLoop({ config, sinks: [], logger: createLogger({ stream: { write: () => true } }), out: { write: () => true }, now, rounds: 2, env: {} });
    await running;
    expect(at).toHaveLength(2);
    // Round 2 starts one interval after round 1 started: the gap is the interval less round 1's time to its request.
    expect(at[1]! - at[0]!).toBeGreaterThan(500);
  }, 15_000);
});
