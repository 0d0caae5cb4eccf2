// Receiver load test: pooler-watch's Alertmanager receiver (auth, caps, validation, enrichment, durable outbox, delivery to a
// capture server) side by side with a bare node:http server answering 200, same machine, same load generator.
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Config } from '../functions/config/schema.ts';
import { createLogger } from '../functions/platform/logger.ts';
import { Notifier } from '../functions/runtime/notifier.ts';
import { startWebhookServer } from '../functions/runtime/webhook-server.ts';
import { startDurableFloor } from './durable-floor.ts';

const TOKEN = 'bench-receiver-token-7f3a9c';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);

interface Load {
  rps: number;
  p99: number;
  p50: number;
  non2xx: number;
  errors: number;
  total: number;
}

function load(url: string): Promise<Load> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'load-client.ts'), url, TOKEN, String(SECONDS), String(CONNECTIONS)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Load) : reject(new Error(`load client exited ${code}`))));
  });
}

/** The capture server in its own process (bench/capture-server.ts), as a remote endpoint would be. */
async function startCapture(): Promise<{ url: string; delivered(): Promise<number>; close(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'capture-server.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c;
      if (out.includes('\n')) resolve(out.trim());
    });
    child.on('exit', (code) => reject(new Error(`capture server exited ${code}`)));
  });
  return {
    url,
    delivered: async () => ((await (await fetch(`${url}/count`)).json()) as { delivered: number }).delivered,
    close: () => child.kill('SIGTERM'),
  };
}

async function listen(server: ReturnType<typeof createServer>): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}

export async function benchReceiver(): Promise<{ bare: Load; floor: Load; receiver: Load; ratio: number }> {
  const bareServer = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"accepted"}'));
  });
  const bareUrl = await listen(bareServer);

  const capture = await startCapture();
  const captureUrl = capture.url;

  const dir = await mkdtemp(join(tmpdir(), 'pooler-watch-bench-'));
  const floorServer = await startDurableFloor(dir);
  const floorUrl = await listen(floorServer.server);
  const env = { RECEIVER_TOKEN: TOKEN, HOOK_URL: `${captureUrl}/hook`, HOOK_SECRET: 'bench-hook-secret-0123456789' };
  const config = Config.parse({
    state: { dir },
    receiver: { port: 0, auth: { bearer: { env: 'RECEIVER_TOKEN' } } },
    receivers: [{ name: 'hook', channel: { type: 'webhook', url: { env: 'HOOK_URL' }, secret: { env: 'HOOK_SECRET' } } }],
  });
  const logger = createLogger({ stream: { write: () => true }, level: 'error' });
  const notifier = await Notifier.create({ config, logger, env });
  const kick = process.env.BENCH_NO_DRAIN ? () => undefined : () => void notifier.drain().catch(() => undefined);
  const receiver = await startWebhookServer({ config, notifier, logger, env, onAccepted: kick });
  try {
    const bare = await load(bareUrl);
    const floor = await load(floorUrl);
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const measured = await load(`${receiver!.url}/alertmanager`);
    const cpu = process.cpuUsage(cpu0);
    const busy = (cpu.user + cpu.system) / 1000 / (performance.now() - wall0);
    await notifier.idle();
    const ratio = measured.rps / bare.rps;
    console.log(`receiver load: ${SECONDS}s, ${CONNECTIONS} connections, 5-alert webhooks (node ${process.version})`);
    console.log('  server                          req/s     p50 ms   p99 ms   non-2xx');
    console.log(`  bare node:http (200)        ${bare.rps.toFixed(0).padStart(9)} ${String(bare.p50).padStart(9)} ${String(bare.p99).padStart(8)} ${String(bare.non2xx).padStart(9)}`);
    console.log(`  durable floor (parse + fsync) ${floor.rps.toFixed(0).padStart(9)} ${String(floor.p50).padStart(9)} ${String(floor.p99).padStart(8)} ${String(floor.non2xx).padStart(9)}`);
    console.log(`  pooler-watch receiver       ${measured.rps.toFixed(0).padStart(9)} ${String(measured.p50).padStart(9)} ${String(measured.p99).padStart(8)} ${String(measured.non2xx).padStart(9)}`);
    console.log(`  receiver process CPU during its load: ${(busy * 100).toFixed(0)}% of one core, ${(((cpu.user + cpu.system) / measured.total)).toFixed(0)} µs per request`);
    console.log(`  durable floor: ${((floor.rps / bare.rps) * 100).toFixed(0)}% of bare (what fsync'd acceptance alone allows here)`);
    console.log(`  ratio: ${(ratio * 100).toFixed(0)}% of bare (target ≥ 40%), p99 ${measured.p99} ms (target < 25 ms); delivered ${await capture.delivered()} of ${measured.total - measured.non2xx} accepted`);
    return { bare, floor, receiver: measured, ratio };
  } finally {
    await receiver?.close();
    await new Promise((r) => bareServer.close(r));
    await floorServer.close();
    capture.close();
    await rm(dir, { recursive: true, force: true });
  }
}
