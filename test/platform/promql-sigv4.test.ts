import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { Target } from '../../functions/config/schema.ts';
import { scrapeTarget } from '../../functions/platform/scrape.ts';
import type { ScrapeFailed, ScrapeOk } from '../../functions/platform/scrape.ts';
import { awsQueryString, sigv4Headers } from '../../functions/platform/sigv4.ts';
import { verifySigV4 } from '../helpers/sigv4-verify.ts';
import type { Verdict } from '../helpers/sigv4-verify.ts';
import { startServer } from './http-servers.ts';
import type { TestServer } from './http-servers.ts';

// AWS's documented example key pair (never valid anywhere), plus a session token: what IRSA and Lambda roles give.
const CREDS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'pw-session-token-Q8m3Tz5Rk1' };
const REGION = 'us-east-1';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** A stand-in for AMP: recomputes every request's signature from what it received, 403 unless it matches. */
async function ampStandIn(): Promise<TestServer & { verdicts: Verdict[] }> {
  const verdicts: Verdict[] = [];
  const s = await startServer((req: IncomingMessage, res: ServerResponse) => {
    const verdict = verifySigV4({ method: req.method!, rawUrl: req.url!, headers: req.headers, ...CREDS, region: REGION, service: 'aps' });
    verdicts.push(verdict);
    if (!verdict.ok) return res.writeHead(403, { 'content-type': 'application/json' }).end('{"message":"The request signature we calculated does not match"}');
    const result = [{ metric: { __name__: 'container_memory_rss', pod: 'codex-pooler-app-0' }, value: [1, '5'] }];
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'success', data: { resultType: 'vector', result } }));
  });
  servers.push(s);
  return Object.assign(s, { verdicts });
}

const target = (url: string, extra: Record<string, unknown> = {}) =>
  Target.parse({ name: 'amp', kind: 'promql', url, auth: { type: 'sigv4', region: REGION }, timeout: 1_000, ...extra });
const credentials = async () => CREDS;

function failed(r: ScrapeOk | ScrapeFailed): ScrapeFailed {
  if (r.ok) throw new Error('expected a failure');
  return r;
}

describe('SigV4 for Amazon Managed Service for Prometheus', () => {
  it('every query is signed so that a server recomputing the signature accepts it, special characters included', async () => {
    const s = await ampStandIn();
    const queries = ['container_memory_rss{namespace="codex-pooler", container="app", image!=""}', '{__name__=~"vm_.*|x", a!~"(b)*", c="\'!~ +/"}'];
    const r = await scrapeTarget(target(`${s.url}/workspaces/ws-1234/`, { queries }), { credentials });
    expect(s.verdicts).toEqual([
      { ok: true, signedHeaders: ['host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token'] },
      { ok: true, signedHeaders: ['host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token'] },
    ]);
    expect(r.ok && r.snapshot.families[0]!.samples[0]!.value).toBe(5);
    const req = s.requests[0]!;
    expect(new URL(req.url, s.url).pathname).toBe('/workspaces/ws-1234/api/v1/query');
    expect(req.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/aps\/aws4_request, SignedHeaders=[a-z0-9;-]+, Signature=[0-9a-f]{64}$/);
    expect(req.headers['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expect(req.headers['x-amz-content-sha256']).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(req.headers['x-amz-security-token']).toBe(CREDS.sessionToken);
    expect(req.headers.host).toBe(`127.0.0.1:${s.port}`);
  });

  it('a tampered query, host, date or key fails the verification', async () => {
    const url = new URL('http://127.0.0.1:9/workspaces/ws-1/api/v1/query');
    const query: Array<[string, string]> = [
      ['query', 'container_memory_rss{namespace="codex-pooler"}'],
      ['time', '1764000000.000'],
    ];
    const headers = await sigv4Headers({ url, query, region: REGION, service: 'aps', credentials });
    const verify = (rawUrl: string, h: Record<string, string> = headers, secretAccessKey = CREDS.secretAccessKey) =>
      verifySigV4({ method: 'GET', rawUrl, headers: h, ...CREDS, secretAccessKey, region: REGION, service: 'aps' });
    const rawUrl = `${url.pathname}?${awsQueryString(query)}`;
    expect(verify(rawUrl).ok).toBe(true);
    // The same parameters in another order are the same canonical request.
    expect(verify(`${url.pathname}?${awsQueryString([...query].reverse())}`).ok).toBe(true);

    const tampered = [
      verify(rawUrl.replace('codex-pooler', 'kube-system')),
      verify(rawUrl.replace('1764000000.000', '1764000060.000')),
      verify(`${rawUrl}&extra=1`),
      verify(rawUrl.replace('/ws-1/', '/ws-2/')),
      verify(rawUrl, { ...headers, host: '127.0.0.1:10' }),
      verify(rawUrl, { ...headers, 'x-amz-date': headers['x-amz-date']!.replace(/\d{2}Z$/, (s) => `${String((Number(s.slice(0, 2)) + 1) % 60).padStart(2, '0')}Z`) }),
      verify(rawUrl, { ...headers, 'x-amz-security-token': 'other' }),
      verify(rawUrl, headers, 'not-the-key'),
    ];
    expect(tampered.map((v) => (v.ok ? 'accepted' : v.why))).toEqual([
      'signature mismatch',
      'signature mismatch',
      'signature mismatch',
      'signature mismatch',
      'signature mismatch',
      'signature mismatch',
      'signature mismatch',
      'signature mismatch',
    ]);
  });

  it('a rejected signature is an unauthorized finding with the SigV4 hint, no key or token in it', async () => {
    const s = await ampStandIn();
    const wrong = async () => ({ ...CREDS, secretAccessKey: 'wrong-secret-key-Zt4Wq9' });
    const r = failed(await scrapeTarget(target(s.url, { queries: ['up'] }), { credentials: wrong }));
    expect([r.reason, r.status, r.finding.summary]).toEqual(['unauthorized', 403, 'scrape of amp failed: query 1: 403 SigV4 request rejected']);
    expect(r.finding.hint).toMatch(/aps:QueryMetrics/);
    const text = JSON.stringify(r);
    for (const secret of ['wrong-secret-key-Zt4Wq9', CREDS.sessionToken, 'signature we calculated']) expect(text).not.toContain(secret);
  });

  it('credentials that cannot be loaded: unauthorized, naming the error class only', async () => {
    const s = await ampStandIn();
    const none = async () => {
      throw Object.assign(new Error('Could not load credentials from /home/someone/.aws/credentials'), { name: 'CredentialsProviderError' });
    };
    const r = failed(await scrapeTarget(target(s.url, { queries: ['up'] }), { credentials: none }));
    expect([r.reason, r.finding.summary]).toEqual(['unauthorized', 'scrape of amp failed: no AWS credentials for SigV4 (CredentialsProviderError)']);
    expect(JSON.stringify(r)).not.toContain('/home/someone');
    expect(s.requests).toHaveLength(0);
  });

  it('never follows a redirect, even with followRedirects', async () => {
    const s = await startServer((_req, res) => res.writeHead(307, { location: '/elsewhere' }).end());
    servers.push(s);
    const r = failed(await scrapeTarget(target(s.url, { queries: ['up'], followRedirects: true }), { credentials }));
    expect(r.reason).toBe('redirect');
    expect(s.requests).toHaveLength(1);
  });
});
