import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as z from 'zod';
import { ConfigError } from '../errors.ts';
import { authConfigured } from './auth.ts';
import { DEFAULT_MAX_BODY_BYTES, logOutcome, preflight, processBody } from './handle-webhook.ts';
import type { Outcome, WebhookDeps, WebhookResponse } from './http-types.ts';
import { readBody } from './read-body.ts';
import { failure } from './responses.ts';

/** Where and how the local receiver listens. Defaults: loopback only, port 9099, 1 MiB body, 10 s body deadline. */
export const ListenOptions = z
  .object({
    host: z.string().min(1).default('127.0.0.1'),
    /** 0 picks a free port (tests). */
    port: z.number().int().min(0).max(65_535).default(9099),
    maxBodyBytes: z.number().int().positive().max(64 * 1024 * 1024).default(DEFAULT_MAX_BODY_BYTES),
    /** A body must arrive within this many ms of the headers, else 408 and the connection is closed. */
    bodyTimeoutMs: z.number().int().positive().max(300_000).default(10_000),
    /** Open connections at most; more are refused by the kernel backlog. */
    maxConnections: z.number().int().positive().default(256),
  })
  .strict();

export type ListenOptions = z.input<typeof ListenOptions>;

/** Options of {@link startReceiver}: the webhook's dependencies plus where to listen. */
export type ReceiverOptions = Omit<WebhookDeps, 'maxBodyBytes'> & ListenOptions;

/** A running receiver. `close()` stops listening and drops open connections. */
export interface RunningReceiver {
  url: string;
  port: number;
  close(): Promise<void>;
}

function send(res: ServerResponse, response: WebhookResponse, close: boolean): void {
  if (res.headersSent) return;
  const headers: Record<string, string> = { ...response.headers, 'content-length': String(Buffer.byteLength(response.body)) };
  if (close) headers.connection = 'close';
  res.writeHead(response.status, headers);
  res.end(response.body);
}

/** A request that may still carry body bytes we will not read: answer, then drop the connection. */
function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/**
 * The local runtime's webhook endpoint: a thin node:http adapter over {@link preflight} and {@link processBody}
 * (the same logic a Lambda runs through `handleWebhook`). It only adds streaming: the body is read under the cap
 * and a deadline, and a request refused before or while its body arrives is answered with `Connection: close`.
 */
export async function startReceiver(opts: ReceiverOptions): Promise<RunningReceiver> {
  const { host, port, maxBodyBytes, bodyTimeoutMs, maxConnections } = ListenOptions.parse({
    host: opts.host,
    port: opts.port,
    maxBodyBytes: opts.maxBodyBytes,
    bodyTimeoutMs: opts.bodyTimeoutMs,
    maxConnections: opts.maxConnections,
  });
  if (!authConfigured(opts.auth)) throw new ConfigError('receiver: configure a bearer token or basic auth (or auth "none")');
  const deps: WebhookDeps = { auth: opts.auth, handle: opts.handle, enrich: opts.enrich, logger: opts.logger, maxBodyBytes, ...(opts.now ? { now: opts.now } : {}) };
  const now = opts.now ?? Date.now;

  const onRequest = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const startedAt = now();
    let outcome: Outcome;
    let close = false;
    try {
      const early = preflight({ method: req.method ?? '', path: req.url ?? '/', headers: req.headers }, deps);
      if (early) {
        outcome = early;
        close = hasBody(req);
      } else {
        const body = await readBody(req, maxBodyBytes, bodyTimeoutMs);
        if (body.kind === 'ok') outcome = await processBody(body.body, deps);
        else {
          close = true;
          outcome =
            body.kind === 'too-large'
              ? failure(413, 'payload too large', {}, { bytes: body.bytes })
              : body.kind === 'timeout'
                ? failure(408, 'request timeout', {}, { bytes: body.bytes })
                : failure(400, 'aborted', {}, { bytes: body.bytes });
        }
      }
    } catch (err) {
      close = true;
      outcome = failure(500, 'internal error', {}, { error: err instanceof Error ? err.name.slice(0, 64) : typeof err });
    }
    logOutcome(deps, outcome, startedAt);
    if (!res.destroyed) send(res, outcome.response, close);
  };

  const server = createServer({ requestTimeout: bodyTimeoutMs + 5_000, headersTimeout: Math.min(10_000, bodyTimeoutMs + 5_000), connectionsCheckingInterval: 1_000 }, (req, res) => {
    res.on('error', () => undefined);
    void onRequest(req, res);
  });
  server.maxConnections = maxConnections;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' || host.includes(':') ? `[${address.address}]` : address.address;
  return {
    url: `http://${shownHost}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
