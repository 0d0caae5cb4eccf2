import type { IncomingHttpHeaders } from 'node:http';
import { serve } from './servers.ts';

export interface CapturedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
}

export interface ScriptedResponse {
  status: number;
  headers?: Record<string, string>;
  body?: string | object;
  /** Hold the response this long (ms) — for timeout tests. */
  delayMs?: number;
}

export interface CaptureServer {
  url: string;
  requests: CapturedRequest[];
  /** Responses to give, in order; after they run out, `fallback` answers. */
  script(...responses: ScriptedResponse[]): void;
  fallback: ScriptedResponse;
  close(): Promise<void>;
}

/**
 * A vendor stand-in on 127.0.0.1: records every request (so a test can check the vendor's required fields
 * and limits) and answers from a script (500s then 200, 429 with Retry-After, a hang...).
 */
export async function startCaptureServer(fallback: ScriptedResponse = { status: 200, body: { ok: true } }): Promise<CaptureServer> {
  const queue: ScriptedResponse[] = [];
  const requests: CapturedRequest[] = [];
  const capture: CaptureServer = {
    url: '',
    requests,
    fallback,
    script: (...responses) => queue.push(...responses),
    close: async () => {},
  };
  const server = await serve((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body, json });
      const r = queue.shift() ?? capture.fallback;
      const answer = () => {
        const payload = typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? {});
        res.writeHead(r.status, { 'content-type': typeof r.body === 'string' ? 'text/plain' : 'application/json', ...r.headers });
        res.end(payload);
      };
      if (r.delayMs) setTimeout(answer, r.delayMs);
      else answer();
    });
  });
  capture.url = server.url;
  capture.close = server.close;
  return capture;
}
