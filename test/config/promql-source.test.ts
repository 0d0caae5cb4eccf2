import { describe, expect, it } from 'vitest';
import { defaultPromqlQueries } from '../../functions/config/promql-source.ts';
import { Config, Target } from '../../functions/config/schema.ts';

describe('PromQL target config', () => {
  const parse = (t: Record<string, unknown>) => Target.safeParse({ name: 'p', url: 'https://prom.example/', ...t });
  const messages = (t: Record<string, unknown>) => {
    const r = parse(t);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('accepts bearer, basic, sigv4 and none; sigv4 service defaults to aps', () => {
    expect(parse({ kind: 'promql', token: { env: 'T' } }).success).toBe(true);
    expect(parse({ kind: 'promql', auth: { type: 'basic', username: 'u' }, token: { file: '/p' } }).success).toBe(true);
    expect(parse({ kind: 'promql', auth: { type: 'none' } }).success).toBe(true);
    const sig = parse({ kind: 'promql', auth: { type: 'sigv4', region: 'eu-west-1' } });
    expect(sig.success && sig.data.auth).toEqual({ type: 'sigv4', region: 'eu-west-1', service: 'aps' });
  });

  it('rejects what cannot work, naming the path', () => {
    expect(messages({ kind: 'federate', queries: ['up'] })).toEqual(['queries: only for kind: promql']);
    expect(messages({ kind: 'promql', auth: { type: 'basic', username: 'u' } })).toEqual(['token: auth basic needs a token (the password)']);
    expect(messages({ kind: 'promql', auth: { type: 'sigv4', region: 'eu-west-1' }, token: { env: 'T' } })).toEqual(['token: auth sigv4 sends no token: remove it']);
    expect(messages({ kind: 'promql', url: 'http://prom.example/', auth: { type: 'sigv4', region: 'eu-west-1' } })).toEqual(['url: SigV4 needs an https URL (http only to a loopback address)']);
    expect(messages({ kind: 'promql', auth: { type: 'sigv4', region: 'Mars' } })[0]).toMatch(/^auth.region: an AWS region/);
    expect(messages({ kind: 'promql', queries: [] })[0]).toMatch(/^queries:/);
    expect(messages({ kind: 'promql', auth: { type: 'basic', username: 'a:b' }, token: { env: 'T' } })[0]).toMatch(/^auth.username/);
  });
});

describe('auth on metrics and federate targets', () => {
  const parse = (t: Record<string, unknown>) => Target.safeParse({ name: 'f', url: 'http://prometheus.monitoring:9090/federate', ...t });
  const messages = (t: Record<string, unknown>) => {
    const r = parse(t);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it.each(['federate', 'metrics'])('%s accepts basic (over http too, like bearer), bearer and none', (kind) => {
    const basic = parse({ kind, auth: { type: 'basic', username: 'prom' }, token: { env: 'FEDERATE_PASSWORD' } });
    expect(basic.success && basic.data.auth).toEqual({ type: 'basic', username: 'prom' });
    expect(messages({ kind, auth: { type: 'bearer' }, token: { env: 'T' } })).toEqual([]);
    expect(messages({ kind, auth: { type: 'none' } })).toEqual([]);
  });

  it('rejects sigv4, a token-based auth without a token, and a token with none', () => {
    const sigv4 = { type: 'sigv4', region: 'eu-west-1' };
    expect(messages({ kind: 'federate', auth: sigv4 })).toEqual(['auth: sigv4 only for kind: promql (Amazon Managed Service for Prometheus has no /federate)']);
    expect(messages({ kind: 'metrics', auth: sigv4 })).toHaveLength(1);
    expect(messages({ kind: 'federate', auth: { type: 'basic', username: 'prom' } })).toEqual(['token: auth basic needs a token (the password)']);
    expect(messages({ kind: 'metrics', auth: { type: 'bearer' } })).toEqual(['token: auth bearer needs a token (the bearer token)']);
    expect(messages({ kind: 'metrics', auth: { type: 'none' }, token: { env: 'T' } })).toEqual(['token: auth none sends no token: remove it']);
    expect(messages({ kind: 'federate', queries: ['up'], appSeries: true })).toEqual(['queries: only for kind: promql', 'appSeries: only for kind: promql']);
  });
});

describe('PromQL default queries', () => {
  it('are written from the config\'s metric names and selectors when queries is absent; given ones are kept', () => {
    const c = Config.parse({
      metricNames: { rss: 'cadvisor_rss' },
      selectors: { namespace: 'pool"er' },
      targets: [
        { name: 'a', kind: 'promql', url: 'http://p:9090/' },
        { name: 'b', kind: 'promql', url: 'http://p:9090/', queries: ['up'] },
        { name: 'c', kind: 'federate', url: 'http://p:9090/federate' },
      ],
    });
    const [a, b, c2] = c.targets;
    expect(a!.queries).toContain('cadvisor_rss{namespace="pool\\"er", container="app", image!=""}');
    expect(a!.queries).toEqual(defaultPromqlQueries(c.metricNames, c.selectors));
    expect(b!.queries).toEqual(['up']);
    expect(c2!.queries).toBeUndefined();
  });

  it('appSeries adds the app series selector', () => {
    const c = Config.parse({ targets: [{ name: 'a', kind: 'promql', url: 'http://p:9090/', appSeries: true }] });
    expect(c.targets[0]!.queries).toHaveLength(10);
    expect(c.targets[0]!.queries![9]).toContain('vm_memory_binary_bytes');
  });
});

describe('defaultPromqlQueries escaping', () => {
  it('escapes quotes, backslashes and newlines in selectors, so each query stays one valid literal', () => {
    const c = Config.parse({ targets: [{ name: 'p', kind: 'promql', url: 'http://127.0.0.1:9090/' }], selectors: { namespace: 'a"b\\c\nd' } });
    for (const q of defaultPromqlQueries(c.metricNames, c.selectors, { app: true })) {
      expect(q).not.toContain('\n');
      expect(q).toContain('namespace="a\\"b\\\\c\\nd"');
    }
  });
});
