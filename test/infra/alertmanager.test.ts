import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONFIG = 'infra/alertmanager/alertmanager.example.yml';

interface WebhookConfig {
  url?: string;
  send_resolved?: boolean;
  max_alerts?: number;
  http_config?: { authorization?: { type?: string; credentials?: string; credentials_file?: string }; bearer_token?: string };
}
interface Route {
  receiver?: string;
  matchers?: string[];
  group_by?: string[];
  routes?: Route[];
}
interface AlertmanagerConfig {
  route: Route;
  receivers: { name: string; webhook_configs?: WebhookConfig[] }[];
}

function amtool(args: string[]): { status: number | null; output: string } {
  const r = spawnSync('amtool', args, { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      "amtool is not installed: install Debian's `prometheus-alertmanager` package (apt-get install -y prometheus-alertmanager), which provides /usr/bin/amtool, then rerun.",
    );
  }
  if (r.error) throw r.error;
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

describe('Alertmanager example', () => {
  const text = readFileSync(`${ROOT}${CONFIG}`, 'utf8');
  const config = parse(text) as AlertmanagerConfig;

  it('amtool check-config accepts it', () => {
    const r = amtool(['check-config', CONFIG]);
    expect(r.status, r.output).toBe(0);
    expect(r.output).toContain('SUCCESS');
  });

  it('routes codex-pooler alerts to the pooler-watch webhook, grouped by alertname and pod', () => {
    const route = config.route.routes?.find((r) => r.receiver === 'pooler-watch');
    expect(route?.matchers).toContain('service="codex-pooler"');
    expect(route?.group_by).toEqual(['alertname', 'pod']);
    expect(config.route.group_by).toEqual(['alertname', 'pod']);
  });

  it('sends resolves, every alert, and reads the bearer token from a file', () => {
    const hooks = config.receivers.find((r) => r.name === 'pooler-watch')?.webhook_configs ?? [];
    expect(hooks).toHaveLength(1);
    const hook = hooks[0]!;
    expect(hook.url).toBe('http://pooler-watch.monitoring.svc:9095/alertmanager');
    expect(hook.send_resolved).toBe(true);
    expect(hook.max_alerts).toBe(0);
    expect(hook.http_config?.authorization).toEqual({ type: 'Bearer', credentials_file: '/etc/alertmanager/secrets/pooler-watch-token' });
    expect(hook.http_config?.bearer_token).toBeUndefined();
    expect(text).not.toMatch(/^\s*(credentials|bearer_token|password):/m);
  });

  it('documents the AWS HTTP API URL', () => {
    expect(text).toMatch(/execute-api\.<region>\.amazonaws\.com\/alertmanager/);
  });
});
