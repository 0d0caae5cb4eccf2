import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const text = readFileSync(new URL('../../infra/helm/values-servicemonitor.yaml', import.meta.url), 'utf8');

interface Values {
  monitoring: {
    serviceMonitor: {
      enabled: boolean;
      labels: Record<string, string>;
      interval: string;
      scrapeTimeout: string;
      bearerTokenSecret?: { name: string; key: string };
    };
  };
}

/** Every [path, value] leaf of a parsed YAML document. */
function leaves(value: unknown, path: string[] = []): [string[], unknown][] {
  if (value !== null && typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leaves(v, [...path, k]));
  }
  return [[path, value]];
}

describe('Helm ServiceMonitor values', () => {
  const values = parse(text) as Values;
  const sm = values.monitoring.serviceMonitor;

  it("has the runbook's ServiceMonitor settings", () => {
    expect(sm.enabled).toBe(true);
    expect(sm.labels).toEqual({ release: 'kube-prometheus-stack' });
    expect(sm.interval).toBe('10s');
    expect(sm.scrapeTimeout).toBe('5s');
  });

  it('takes the scrape bearer token from a Secret reference', () => {
    expect(sm.bearerTokenSecret).toEqual({ name: 'codex-pooler-metrics-token', key: 'token' });
  });

  it('holds no inline token', () => {
    for (const [path, value] of leaves(values)) {
      const key = path.at(-1) ?? '';
      const underSecretRef = path.includes('bearerTokenSecret');
      if (!underSecretRef) expect(key, path.join('.')).not.toMatch(/^(token|bearerToken|password|credentials)$/i);
      if (typeof value === 'string') expect(value, path.join('.')).not.toMatch(/^(Bearer\s|eyJ|sk-)|[A-Za-z0-9+/_-]{32,}/);
    }
    expect(text).not.toMatch(/^\s*bearerToken:/m);
  });
});
