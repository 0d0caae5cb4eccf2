import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startServer, type TestServer } from '../platform/http-servers.ts';
import { waitFor } from '../helpers/processes.ts';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'pooler-watch.js');

let server: TestServer | undefined;
let dir: string | undefined;
let wrapper: ChildProcess | undefined;
let inner: number | undefined;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

afterEach(async () => {
  if (inner && alive(inner)) process.kill(inner, 'SIGKILL');
  if (wrapper && wrapper.exitCode === null && wrapper.signalCode === null) wrapper.kill('SIGKILL');
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  server = dir = wrapper = inner = undefined;
});

/**
 * The installed command runs the CLI in its own process (tsx's loader registered in-process), so SIGTERM — what
 * systemd, `docker stop` and a Kubernetes pod termination send to the main process — reaches the run loop's graceful
 * shutdown: the loop stops, the lock is released, the command exits 0, and no orphan is left holding the run lock.
 */
describe('bin/pooler-watch.js run under SIGTERM', () => {
  it('forwards the signal: the run loop stops and the command exits 0', async () => {
    dir = await mkdtemp(join(tmpdir(), 'pw-bin-'));
    server = await startServer((_req, res) => res.writeHead(200).end('ok'));
    const cfg = join(dir, 'pooler-watch.json');
    await writeFile(cfg, JSON.stringify({ checks: [{ name: 'api', url: server.url }], interval: '1h', state: { dir: join(dir, 'state') } }));
    const proc = spawn(process.execPath, [BIN, 'run', '--config', cfg], { stdio: ['ignore', 'ignore', 'pipe'] });
    wrapper = proc;
    let stderr = '';
    proc.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    inner = await waitFor('the run lock', async () => (JSON.parse(await readFile(join(dir!, 'state', 'run.lock'), 'utf8')) as { pid: number }).pid, 20_000, () => stderr);
    await waitFor('the first round', () => server!.requests.length > 0 || undefined, 10_000, () => stderr);
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
    proc.kill('SIGTERM');
    const result = await Promise.race([exited, new Promise<'no exit'>((r) => setTimeout(() => r('no exit'), 10_000))]);
    // Give the inner process a moment to finish if it was told to stop.
    await new Promise((r) => setTimeout(r, 500));
    expect({ result, innerStillRunning: alive(inner) }).toEqual({ result: { code: 0, signal: null }, innerStillRunning: false });
  }, 45_000);
});
