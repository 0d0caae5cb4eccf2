import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ManualClock, type SimClock } from './clock.ts';
import { createModel, type SimModel } from './model.ts';
import { renderAppMetrics, renderFederate, TEXT_CONTENT_TYPE } from './render.ts';
import type { ScenarioName } from './scenarios.ts';
import { SelectorError } from './selector.ts';

/** How to start the simulator. Every field is optional. */
export interface SimulatorOptions {
  /** Default 0 (ephemeral); the host is always 127.0.0.1. */
  port?: number;
  /** When set, every endpoint except /healthz requires `Authorization: Bearer <token>`. */
  token?: string;
  /** Default 3, named codex-pooler-app-0 … codex-pooler-app-<n-1>. */
  pods?: number;
  /** Default `healthy`. */
  scenario?: ScenarioName;
  /** The pod a non-healthy scenario hits (default 0); the others stay healthy. */
  leakPod?: number;
  /** Default: a ManualClock at 2026-11-24T10:00:00Z. */
  clock?: SimClock;
  seed?: number;
  /** Default 1 GiB. */
  memoryLimitBytes?: number;
}

/** A running simulator. */
export interface Simulator {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** No argument: `${url}/metrics` (pod 0). With an index: `${url}/pods/<pod-name>/metrics`. */
  metricsUrl(podIndex?: number): string;
  federateUrl: string;
  pods: string[];
  /** The model behind the endpoints, for tests and the demo that want numbers without HTTP. */
  model: SimModel;
  /** Switches scenario at clock.now(); a leak starts from the switch time. */
  setScenario(name: ScenarioName): void;
  /**
   * Switches the token check on or off, as Codex Pooler's /admin/system does: off serves every endpoint to anyone
   * while the token stays configured. No effect without `token`.
   */
  setMetricsAuth(on: boolean): void;
  /** Advances the model to clock.now() (also done on every request). */
  tick(): void;
  close(): Promise<void>;
}

const POD_METRICS_PATH = /^\/pods\/([^/]+)\/metrics$/;

export async function startSimulator(opts: SimulatorOptions = {}): Promise<Simulator> {
  const clock = opts.clock ?? new ManualClock();
  const model = createModel({
    pods: opts.pods,
    scenario: opts.scenario,
    leakPod: opts.leakPod,
    seed: opts.seed,
    memoryLimitBytes: opts.memoryLimitBytes,
    startMs: clock.now(),
  });
  const podNames = model.pods.map((p) => p.name);
  const tokenDigest = opts.token === undefined ? undefined : digest(`Bearer ${opts.token}`);
  let authOn = true;
  const tick = (): void => model.advanceTo(clock.now());

  const authorized = (req: IncomingMessage): boolean => {
    if (tokenDigest === undefined || !authOn) return true;
    // Compare digests so the comparison is constant-time whatever the header's length.
    return timingSafeEqual(digest(req.headers.authorization ?? ''), tokenDigest);
  };

  const handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return reply(req, res, 405, 'Method Not Allowed\n', { Allow: 'GET, HEAD' });
    }
    if (url.pathname === '/healthz') return reply(req, res, 200, 'ok\n');
    if (!authorized(req)) return reply(req, res, 401, 'Unauthorized\n', { 'WWW-Authenticate': 'Bearer' });

    let podIndex: number | undefined;
    if (url.pathname === '/metrics') podIndex = 0;
    const podPath = POD_METRICS_PATH.exec(url.pathname);
    if (podPath) podIndex = podNames.indexOf(decodeURIComponent(podPath[1]!));
    if (podIndex !== undefined && podIndex >= 0) {
      tick();
      return reply(req, res, 200, renderAppMetrics(model, podIndex), { 'Content-Type': TEXT_CONTENT_TYPE });
    }
    if (url.pathname === '/federate') {
      tick();
      try {
        const body = renderFederate(model, url.searchParams.getAll('match[]'));
        return reply(req, res, 200, body, { 'Content-Type': TEXT_CONTENT_TYPE });
      } catch (err) {
        if (err instanceof SelectorError) return reply(req, res, 400, `${err.message}\n`);
        throw err;
      }
    }
    return reply(req, res, 404, 'Not Found\n');
  };

  const server = createServer((req, res) => {
    try {
      handle(req, res);
    } catch {
      // Nothing about the failure leaves the process: a plain 500, like the house error middleware.
      if (!res.headersSent) reply(req, res, 500, 'Internal Server Error\n');
      else res.destroy();
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    metricsUrl(podIndex?: number) {
      if (podIndex === undefined) return `${url}/metrics`;
      const name = podNames[podIndex];
      if (name === undefined) throw new RangeError(`no pod ${podIndex}`);
      return `${url}/pods/${name}/metrics`;
    },
    federateUrl: `${url}/federate`,
    pods: [...podNames],
    model,
    setScenario(name: ScenarioName) {
      model.setScenario(name, clock.now());
    },
    tick,
    setMetricsAuth(on: boolean) {
      authOn = on;
    },
    close() {
      return new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      });
    },
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function reply(
  req: IncomingMessage,
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
): void {
  const bytes = Buffer.from(body, 'utf8');
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    ...headers,
    'Content-Length': String(bytes.length),
  });
  res.end(req.method === 'HEAD' ? undefined : bytes);
}
