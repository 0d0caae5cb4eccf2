import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { EnrichOptions } from '../../../functions/core/alertmanager/index.ts';
import { createSanitizer } from '../../../functions/core/sanitize/index.ts';
import { createLogger } from '../../../functions/platform/logger.ts';
import type { WebhookBatch, WebhookDeps } from '../../../functions/platform/receiver/index.ts';
import { Secret } from '../../../functions/platform/secrets.ts';

export const BEARER = 'rcv-bearer-Xq7LmP2vT9zK4wN8';
export const BASIC_USER = 'am-sender-01';
export const BASIC_PASS = 'rcv-basic-Hc3Jd8Rs1Vy6Qb';

export const bearerHeader = `Bearer ${BEARER}`;
export const basicHeader = `Basic ${Buffer.from(`${BASIC_USER}:${BASIC_PASS}`).toString('base64')}`;

/** Deps for the receiver with a log sink, and the batches `handle` saw. */
export function testDeps(overrides: Partial<WebhookDeps> = {}): { deps: WebhookDeps; lines: string[]; batches: WebhookBatch[] } {
  const lines: string[] = [];
  const batches: WebhookBatch[] = [];
  const seen = new Set<string>();
  const enrich: EnrichOptions = { sanitize: createSanitizer({ secrets: [BEARER, BASIC_PASS] }), links: { dashboard: 'https://grafana.example.com/d/codex' } };
  const deps: WebhookDeps = {
    auth: { bearer: new Secret(BEARER), basic: { username: new Secret(BASIC_USER), password: new Secret(BASIC_PASS) } },
    handle: async (batch) => {
      batches.push(batch);
      if (seen.has(batch.key)) return 'duplicate';
      seen.add(batch.key);
      return 'accepted';
    },
    enrich,
    logger: createLogger({ stream: { write: (line: string) => lines.push(line) }, level: 'debug' }),
    ...overrides,
  };
  return { deps, lines, batches };
}

export interface HttpResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** One request over real HTTP; resolves with whatever came back. */
export function send(url: string, opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}${opts.path ?? '/alertmanager'}`, { method: opts.method ?? 'POST', headers: opts.headers ?? {}, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** JSON POST headers with the bearer token. */
export function jsonHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/json', authorization: bearerHeader, ...extra };
}

/**
 * Raw TCP: send `head`, then keep writing `chunk` until the server stops us or `limit` bytes are written.
 * Returns what was written and the raw response text received.
 */
export function flood(port: number, head: string, chunk: Buffer, limit: number): Promise<{ written: number; response: string; stopped: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let written = 0;
    let response = '';
    let done = false;
    const finish = (stopped: boolean): void => {
      if (done) return;
      done = true;
      socket.destroy();
      resolve({ written, response, stopped });
    };
    socket.on('data', (d: Buffer) => {
      response += d.toString('latin1');
    });
    socket.on('error', () => finish(true));
    socket.on('close', () => finish(true));
    const pump = (): void => {
      while (!done && written < limit) {
        written += chunk.length;
        if (!socket.write(chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
      if (!done && written >= limit) setTimeout(() => finish(false), 500);
    };
    setTimeout(() => finish(false), 10_000).unref();
    socket.on('connect', () => {
      socket.write(head);
      pump();
    });
  });
}

/** Parsed log lines. */
export function parsedLogs(lines: readonly string[]): Array<Record<string, unknown>> {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>);
}
