const POD = (i: number) => `codex-pooler-app-${i % 5}`;
const RULES = ['CodexPoolerBinaryGrowth', 'CodexPoolerTimeToOOM', 'CodexPoolerMemoryPressure', 'CodexPoolerRestarts', 'CodexPoolerStreamBufferOversized'];

/** A typical Alertmanager v4 webhook: one group of 5 Codex Pooler alerts; `n` makes each one a distinct event. */
export function webhookBody(n: number): string {
  const startsAt = new Date(Date.parse('2026-11-24T10:00:00Z') + n * 1000).toISOString();
  const alerts = RULES.map((alertname, i) => ({
    status: 'firing',
    labels: { alertname, namespace: 'codex-pooler', job: 'codex-pooler-app', pod: POD(i), severity: i < 2 ? 'critical' : 'warning', service: 'codex-pooler' },
    annotations: { summary: `${alertname} on ${POD(i)}`, description: 'bench alert', runbook_url: 'https://docs.example.com/operators/monitoring' },
    startsAt,
    endsAt: '0001-01-01T00:00:00Z',
    generatorURL: 'http://prometheus.monitoring:9090/graph?g0.expr=vm_memory_binary_bytes&g0.tab=1',
    fingerprint: (0x1000000000000000n + BigInt(n * 5 + i)).toString(16),
  }));
  return JSON.stringify({
    version: '4',
    groupKey: `{}/{service="codex-pooler"}:{alertname="bench-${n % 50}"}`,
    truncatedAlerts: 0,
    status: 'firing',
    receiver: 'pooler-watch',
    groupLabels: { alertname: 'bench' },
    commonLabels: { namespace: 'codex-pooler', service: 'codex-pooler' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.monitoring:9093',
    alerts,
  });
}
