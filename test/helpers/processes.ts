import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1 (bound then released), for daemons that must be told their port up front. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Daemon {
  proc: ChildProcess;
  output(): string;
  stop(): Promise<void>;
}

/** Starts a long-running program, keeping its last output for failure messages; stop() kills it for sure. */
export function startDaemon(command: string, args: string[]): Daemon {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  const keep = (c: Buffer) => {
    out = (out + c.toString()).slice(-8000);
  };
  proc.stdout?.on('data', keep);
  proc.stderr?.on('data', keep);
  return {
    proc,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const timer = setTimeout(() => proc.kill('SIGKILL'), 3000);
        proc.once('exit', () => {
          clearTimeout(timer);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

/** Polls `check` until it returns a value, or fails after `timeoutMs` with `what` and the context. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, context: () => string = () => ''): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value as T;
    } catch {
      // not ready yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${context()}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * A Prometheus scrape job reading the simulator's `/federate` as kube-prometheus-stack would see the cluster: the
 * pods' own labels kept (`honor_labels`), and samples stamped by Prometheus, since the simulator's carry its
 * simulated clock.
 */
export function simulatorFederateJob(host: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    job_name: 'codex-pooler-sim',
    metrics_path: '/federate',
    params: { 'match[]': ['{namespace="codex-pooler"}'] },
    honor_labels: true,
    honor_timestamps: false,
    static_configs: [{ targets: [host] }],
    ...extra,
  };
}
