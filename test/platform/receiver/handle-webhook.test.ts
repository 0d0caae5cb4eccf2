import { describe, expect, it } from 'vitest';
import { exceedsJsonDepth, handleRequest, handleWebhook, isAuthorized, safeEqual } from '../../../functions/platform/receiver/index.ts';
import { Secret } from '../../../functions/platform/secrets.ts';
import { fixtureText } from '../../core/alertmanager/load-fixture.ts';
import { BEARER, bearerHeader, parsedLogs, testDeps } from './helpers.ts';

const valid = fixtureText('unknown-fields');

describe('handleWebhook (the Lambda-shaped entry)', () => {
  it('takes a string or a Buffer body and mixed-case header names', async () => {
    const { deps, batches } = testDeps();
    const a = await handleWebhook({ method: 'post', path: '/alertmanager?x=1', headers: { 'Content-Type': 'application/json', Authorization: bearerHeader }, body: valid }, deps);
    expect(a.status).toBe(200);
    const b = await handleRequest({ method: 'POST', path: '/alertmanager', headers: { 'content-type': 'application/json', authorization: bearerHeader }, body: Buffer.from(valid) }, deps);
    expect(JSON.parse(b.body)).toEqual({ status: 'duplicate' });
    expect(batches[0]!.payload.truncatedAlerts).toBe(2);
    expect(batches[0]!.alerts[0]!.item.rule).toBe('memory-pressure');
  });

  it('writes exactly one log line per request, health at debug', async () => {
    const { deps, lines } = testDeps();
    await handleWebhook({ method: 'GET', path: '/healthz', headers: {}, body: '' }, deps);
    await handleWebhook({ method: 'HEAD', path: '/healthz', headers: {}, body: '' }, deps);
    await handleWebhook({ method: 'POST', path: '/nope', headers: {}, body: 'x' }, deps);
    const logs = parsedLogs(lines);
    expect(logs.map((l) => [l.level, l.status])).toEqual([
      ['debug', 200],
      ['debug', 200],
      ['warn', 404],
    ]);
  });

  it('rejects invalid UTF-8 as invalid JSON', async () => {
    const { deps } = testDeps();
    const body = Buffer.concat([Buffer.from('{"version":"4","groupKey":"'), Buffer.from([0xc3, 0x28]), Buffer.from('"}')]);
    const res = await handleWebhook({ method: 'POST', path: '/alertmanager', headers: { 'content-type': 'application/json', authorization: bearerHeader }, body }, deps);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toEqual({ error: 'invalid JSON' });
  });

  it('accepts without credentials only when auth is explicitly none', async () => {
    const { deps } = testDeps({ auth: 'none' });
    const res = await handleWebhook({ method: 'POST', path: '/alertmanager', headers: { 'content-type': 'application/json' }, body: valid }, deps);
    expect(res.status).toBe(200);
    const locked = testDeps({ auth: {} }).deps;
    expect((await handleWebhook({ method: 'POST', path: '/alertmanager', headers: { 'content-type': 'application/json', authorization: bearerHeader }, body: valid }, locked)).status).toBe(401);
  });
});

describe('isAuthorized', () => {
  const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
  const auth = { bearer: new Secret(BEARER), basic: { username: new Secret('u-sender'), password: new Secret('p:with:colons-91') } };

  it('accepts either scheme, case-insensitively', () => {
    expect(isAuthorized(`bearer ${BEARER}`, auth)).toBe(true);
    expect(isAuthorized(`BEARER ${BEARER}`, auth)).toBe(true);
    expect(isAuthorized(basic('u-sender', 'p:with:colons-91'), auth)).toBe(true);
  });

  it('rejects anything else', () => {
    expect(isAuthorized(undefined, auth)).toBe(false);
    expect(isAuthorized('', auth)).toBe(false);
    expect(isAuthorized(`Bearer ${BEARER.slice(0, -1)}`, auth)).toBe(false);
    expect(isAuthorized(`Bearer ${BEARER} extra`, auth)).toBe(false);
    expect(isAuthorized(basic('u-sender', 'p:with:colons-9'), auth)).toBe(false);
    expect(isAuthorized(`Basic ${Buffer.from('no-colon').toString('base64')}`, auth)).toBe(false);
    expect(isAuthorized(`Basic ${BEARER}`, { bearer: auth.bearer })).toBe(false);
    expect(isAuthorized(`Bearer ${'x'.repeat(10_000)}`, auth)).toBe(false);
  });

  it('compares digests, so different lengths compare without throwing', () => {
    expect(safeEqual('a', 'a')).toBe(true);
    expect(safeEqual('a', 'a'.repeat(1000))).toBe(false);
  });
});

describe('exceedsJsonDepth', () => {
  it('counts nesting outside strings only', () => {
    expect(exceedsJsonDepth('[[1]]', 2)).toBe(false);
    expect(exceedsJsonDepth('[[[1]]]', 2)).toBe(true);
    expect(exceedsJsonDepth('["[[[[", {"a": "\\"{{{{"}]', 2)).toBe(false);
    expect(exceedsJsonDepth(`${'['.repeat(64)}${']'.repeat(64)}`)).toBe(false);
    expect(exceedsJsonDepth(`${'{"a":'.repeat(65)}1${'}'.repeat(65)}`)).toBe(true);
  });
});
