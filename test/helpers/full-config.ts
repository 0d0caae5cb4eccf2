import { expect } from 'vitest';
import { parseJsonConfig } from '../../functions/config/validate.ts';
import { ConfigError } from '../../functions/platform/errors.ts';

/** A valid config using nearly every section: the Lambdas' views (functions/config/config-view.ts) are compared with the whole config on it. */
export const FULL = {
  targets: [
    { name: 'prometheus', kind: 'federate', url: 'https://prometheus.example/federate', token: { secretsManager: { id: 'pw/prom', key: 'token' } } },
    { name: 'amp', kind: 'promql', url: 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1/', auth: { type: 'sigv4', region: 'eu-west-1' }, appSeries: true },
  ],
  checks: [{ name: 'login', url: 'https://codex.example/login', expectStatus: ['2xx', 302], expectBody: [{ type: 'contains', value: 'Sign in' }] }],
  interval: '1m',
  alerting: { forEvaluations: 3, repeatInterval: '2h' },
  builtinChecks: { metricsAuth: { mode: 'expect-open' } },
  metricNames: { workingSet: 'cw_ws' },
  selectors: { namespace: 'pooler' },
  thresholds: { memoryWarnRatio: 0.8 },
  receivers: [
    { name: 'pager', channel: { type: 'pagerduty', routingKey: { secretsManager: { id: 'pw/pd' } } } },
    { name: 'chat', sendResolved: false, channel: { type: 'slack', webhookUrl: { ssm: { name: '/pw/slack' } } } },
  ],
  routing: { route: { receiver: 'chat', groupWait: '0s', routes: [{ receiver: 'pager', matchers: ['severity="critical"'], continue: true }] } },
  links: { runbook: 'https://runbook.example/oom' },
  delivery: { maxAttempts: 4 },
  samplerLogs: { thresholdRatio: 0.6 },
};

/** A view's parser refuses each config with the whole config's exact message (and the issue given). */
export function expectRefusedAsWhole(parse: (text: string, source: string) => unknown, broken: ReadonlyArray<readonly [unknown, RegExp]>): void {
  for (const [config, issue] of broken) {
    const text = JSON.stringify(config);
    const message = issuesOf(() => parse(text, 'ssm:/c'));
    expect(message).toMatch(/^ssm:\/c: invalid config\n/);
    expect(message).toMatch(issue);
    expect(message).toBe(issuesOf(() => parseJsonConfig(text, 'ssm:/c')));
  }
}

/** The message of the ConfigError `fn` throws. */
export function issuesOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}
