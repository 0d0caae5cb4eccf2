/**
 * What every HTTP channel test checks the same way: how vendor answers are classified into `ChannelError`s,
 * the deps and send context a channel gets, golden fixtures, and that no secret leaks into an error.
 * Vendor-specific answers (Slack's `{ok:false}` codes, SNS's XML errors, Discord's 429 JSON) stay in the
 * channel's own test file, passed in through `respond`, `expect` and `extraCases`.
 */
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi, type Mock } from 'vitest';
import type { Channel, ChannelDeps, SendContext } from '../../functions/channels/channel.ts';
import { ChannelError } from '../../functions/platform/errors.ts';
import { sendHttp, type HttpRequest } from '../../functions/platform/http.ts';
import { resolveSecret } from '../../functions/platform/secrets.ts';
import { startCaptureServer, type CaptureServer, type ScriptedResponse } from './capture-server.ts';
import { notification } from './notifications.ts';
import { serve } from './servers.ts';

/** The fixed clock every channel test runs at. */
export const NOW = Date.parse('2026-11-24T12:00:00Z');

/** Unicode code points, the unit most vendor limits count in. */
export const chars = (s: string): number => Array.from(s).length;

/** UTF-8 bytes of a string, or of the JSON of anything else. */
export const bytes = (v: unknown): number => Buffer.byteLength(typeof v === 'string' ? v : JSON.stringify(v), 'utf8');

/** A golden payload from `test/fixtures/channels/`: `<id>.golden.json`, or `<id>.resolved.golden.json`. */
export function golden(id: string, variant: 'firing' | 'resolved' = 'firing'): unknown {
  const file = variant === 'resolved' ? `${id}.resolved.golden.json` : `${id}.golden.json`;
  return JSON.parse(readFileSync(new URL(`../fixtures/channels/${file}`, import.meta.url), 'utf8')) as unknown;
}

export type TestDeps = ChannelDeps & {
  /** `sendHttp`, spied: `mockResolvedValue` it to skip the network, read `mock.calls` to see requests. */
  http: Mock<typeof sendHttp>;
  /** Every request the channel handed to `http`, in order. */
  readonly calls: HttpRequest[];
};

/** Channel deps: secrets resolved from `env` (as `{ env: NAME }` refs), real HTTP (spied), the fixed clock. */
export function makeDeps(env: Record<string, string> = {}, now: () => number = () => NOW): TestDeps {
  const http = vi.fn(sendHttp);
  return {
    resolveSecret: (ref) => resolveSecret(ref, env),
    http,
    get calls() {
      return http.mock.calls.map(([req]) => req);
    },
    now,
  };
}

/** A send context with its own (never aborted) signal. */
export function sendCtx(timeoutMs = 5_000, extra: Partial<SendContext> = {}): SendContext {
  return { signal: new AbortController().signal, timeoutMs, ...extra };
}

/** A URL nothing listens on (a server started and closed again): connecting fails with ECONNREFUSED. */
export async function closedUrl(): Promise<string> {
  const gone = await serve(() => {});
  await gone.close();
  return gone.url;
}

/**
 * A capture server for the enclosing `describe` (or file): started before its tests, closed after, its
 * `requests` emptied before each test. `closedUrl` is a port nothing listens on.
 */
export function useCaptureServer(fallback?: ScriptedResponse): CaptureServer & { readonly closedUrl: string } {
  let real: CaptureServer | undefined;
  let closed = '';
  const need = (): CaptureServer => {
    if (!real) throw new Error('the capture server is only available inside a test');
    return real;
  };
  beforeAll(async () => {
    real = await startCaptureServer(fallback);
    closed = await closedUrl();
  });
  afterAll(() => real?.close());
  beforeEach(() => {
    if (real) real.requests.length = 0;
  });
  return {
    get url() {
      return need().url;
    },
    get requests() {
      return need().requests;
    },
    get fallback() {
      return need().fallback;
    },
    set fallback(r: ScriptedResponse) {
      need().fallback = r;
    },
    get closedUrl() {
      need();
      return closed;
    },
    script: (...responses) => need().script(...responses),
    close: () => need().close(),
  };
}

/** The promise's rejection, asserted to be a `ChannelError`. */
export async function failure(p: Promise<unknown>): Promise<ChannelError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ChannelError);
  return err as ChannelError;
}

/** `'ok'`, or the retry decision of the `ChannelError` the promise rejected with (`retryAfterMs` only when set). */
export async function outcome(p: Promise<unknown>): Promise<'ok' | { retryable: boolean; retryAfterMs?: number }> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelError);
    const e = err as ChannelError;
    return { retryable: e.retryable, ...(e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs }) };
  }
}

/** Every way a value ends up as text: message, stack, JSON, String() and util.inspect. */
export function renderings(value: unknown): string[] {
  let json: string;
  try {
    json = JSON.stringify(value) ?? '';
  } catch {
    json = '';
  }
  const out = [json, String(value), inspect(value, { depth: 5 })];
  if (value instanceof Error) out.push(value.message, value.stack ?? '');
  return out;
}

/** None of `secrets` appears in any rendering of `value` (an error, a request, a payload). */
export function expectNoSecret(value: unknown, secrets: string | readonly string[]): void {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  for (const text of renderings(value)) {
    for (const secret of list) expect(text).not.toContain(secret);
  }
}

/** What a failed send must look like; `status: undefined` for network errors and timeouts. */
export interface ExpectedError {
  retryable: boolean;
  status?: number;
  /** Checked exactly: undefined means the error must carry none. */
  retryAfterMs?: number;
  reason?: string;
}

export interface StatusCase {
  /** Row name, e.g. `429 + Retry-After`. */
  label: string;
  /** What the vendor stand-in does: answer (status, headers, body), refuse the connection, or hang. */
  answer: ScriptedResponse | 'network' | 'timeout';
  expected: 'ok' | ExpectedError;
}

/**
 * The classification every channel shares: 2xx ok; 400/401/403/404/413 fail for good; 408, 429 (with its
 * Retry-After), 5xx, network errors and timeouts are retried.
 */
export function statusTable(retryAfterSeconds = 30): StatusCase[] {
  const ok = (status: number): StatusCase => ({ label: String(status), answer: { status }, expected: 'ok' });
  const fails = (status: number, retryable: boolean): StatusCase => ({ label: String(status), answer: { status }, expected: { retryable, status } });
  return [
    ok(200),
    ok(201),
    ok(202),
    ok(204),
    fails(400, false),
    fails(401, false),
    fails(403, false),
    fails(404, false),
    fails(408, true),
    fails(413, false),
    {
      label: '429 + Retry-After',
      answer: { status: 429, headers: { 'retry-after': String(retryAfterSeconds) } },
      expected: { retryable: true, status: 429, retryAfterMs: retryAfterSeconds * 1_000 },
    },
    fails(500, true),
    fails(502, true),
    fails(503, true),
    { label: 'network error', answer: 'network', expected: { retryable: true, status: undefined } },
    { label: 'timeout', answer: 'timeout', expected: { retryable: true, status: undefined, reason: 'timeout' } },
  ];
}

export interface StatusContract {
  /** `ChannelError.channel` every failure must carry. */
  channel: string;
  /**
   * The channel under test, pointed at `baseUrl` (the capture server's, or a closed port's). `timeoutMs` is set
   * for the timeout row when `timeoutVia` is `config`: put it in the channel's config.
   */
  makeChannel: (baseUrl: string, timeoutMs?: number) => Promise<Channel>;
  /** The vendor's body (and headers) for an answer with `status`; merged under the row's own headers. */
  respond?: (status: number) => Omit<ScriptedResponse, 'status'>;
  /** Seconds in the 429 row's Retry-After header (default 30). */
  retryAfterSeconds?: number;
  /** The status of the answer that arrives too late in the timeout row (default 200). */
  okStatus?: number;
  /** The timeout budget (default 200 ms); the late answer comes five times later. */
  timeoutMs?: number;
  /** Where the timeout budget goes: the channel's config (default) or the send context. */
  timeoutVia?: 'config' | 'ctx';
  /** Checks on what a successful send returns (by default it only has to resolve). */
  expectOk?: (result: unknown) => void;
  /** More exact expectations for shared rows, by label (e.g. a vendor's own `reason`). */
  expect?: Record<string, Partial<ExpectedError>>;
  /** Vendor-specific rows, run the same way after the shared ones. */
  extraCases?: StatusCase[];
  /** Name of the `describe` the rows go in (default `classifies every vendor answer`). */
  title?: string;
}

function describeExpected(expected: StatusCase['expected']): string {
  if (expected === 'ok') return 'ok';
  const parts = [expected.retryable ? 'retryable' : 'not retryable'];
  if (expected.retryAfterMs !== undefined) parts.push(`after ${expected.retryAfterMs} ms`);
  if (expected.reason !== undefined) parts.push(`reason ${expected.reason}`);
  return parts.join(', ');
}

/**
 * Registers a `describe` with one test per row of `statusTable()` (plus `extraCases`), against its own
 * capture server: the send resolves for `ok`, otherwise it rejects with a `ChannelError` carrying
 * `channel`, `retryable`, `status` (and `reason` when given) and exactly the expected `retryAfterMs`.
 */
export function classifiesStatuses(contract: StatusContract): void {
  describe(contract.title ?? 'classifies every vendor answer', () => runStatusTable(contract));
}

function runStatusTable(contract: StatusContract): void {
  const server = useCaptureServer();
  const timeoutMs = contract.timeoutMs ?? 200;
  const rows = [...statusTable(contract.retryAfterSeconds), ...(contract.extraCases ?? [])].map((row) => {
    const refined = row.expected === 'ok' ? row.expected : { ...row.expected, ...contract.expect?.[row.label] };
    return [`${row.label} → ${describeExpected(refined)}`, { ...row, expected: refined }] as const;
  });

  it.each(rows)('%s', async (_name, { answer, expected }) => {
    let baseUrl = server.url;
    let viaConfig: number | undefined;
    let ctx = sendCtx();
    if (answer === 'network') {
      baseUrl = server.closedUrl;
    } else if (answer === 'timeout') {
      const okStatus = contract.okStatus ?? 200;
      server.script({ ...contract.respond?.(okStatus), status: okStatus, delayMs: timeoutMs * 5 });
      if (contract.timeoutVia === 'ctx') ctx = sendCtx(timeoutMs);
      else viaConfig = timeoutMs;
    } else {
      const vendor = contract.respond?.(answer.status) ?? {};
      server.script({ ...vendor, ...answer, headers: { ...vendor.headers, ...answer.headers } });
    }
    const channel = await contract.makeChannel(baseUrl, viaConfig);
    const result = channel.send(notification(), ctx);
    if (expected === 'ok') {
      const receipt = await result;
      contract.expectOk?.(receipt);
      return;
    }
    const err = await failure(result);
    const { retryAfterMs, reason, ...rest } = expected;
    expect(err).toMatchObject({ channel: contract.channel, ...rest, ...(reason === undefined ? {} : { reason }) });
    expect(err.status).toBe(expected.status);
    expect(err.retryAfterMs).toBe(retryAfterMs);
  });
}
