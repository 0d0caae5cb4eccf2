import type { AlertItem, Notification } from '../../functions/core/render/types.ts';

/** A realistic firing alert, as core/render produces it. */
export function alertItem(overrides: Partial<AlertItem> = {}): AlertItem {
  return {
    fingerprint: '3f9a1c2b7d4e5f60',
    status: 'firing',
    severity: 'critical',
    rule: 'time-to-oom',
    pod: 'codex-pooler-app-0',
    target: 'prometheus',
    source: 'probe',
    title: 'time-to-oom on codex-pooler-app-0',
    summary: 'RSS 840 MiB (82% of 1024 MiB) growing 9.3 MiB/min: OOM in ~20 min',
    hint: 'inspect streaming response retention, file bodies, and upstream transport buffering',
    promql:
      'max by (pod) (container_memory_working_set_bytes{namespace="codex-pooler", container="app", image!="", pod="codex-pooler-app-0"})',
    evidence: [
      { name: 'minutes to OOM', value: '19.8 min' },
      { name: 'slope', value: '9.3 MiB/min' },
      { name: 'RSS', value: '840 MiB (82%)' },
      { name: 'limit', value: '1024 MiB' },
    ],
    sparkline: { text: '▁▁▂▂▃▃▄▅▅▆▇▇█', caption: 'RSS over 30 min, against the 1024 MiB limit' },
    startsAt: '2026-11-24T11:36:30.000Z',
    links: [
      { title: 'Runbook', url: 'https://docs.example.com/operators/monitoring#memory' },
      { title: 'Dashboard', url: 'https://grafana.example.com/d/codex-pooler-runtime-triage' },
    ],
    labels: { severity: 'critical', rule: 'time-to-oom', pod: 'codex-pooler-app-0', target: 'prometheus', namespace: 'codex-pooler' },
    ...overrides,
  };
}

/** A one-alert firing notification to `receiver`. */
export function notification(overrides: Partial<Notification> = {}, alerts: AlertItem[] = [alertItem()]): Notification {
  return {
    id: 'n-5c1e0f3a9b7d2e41',
    receiver: 'oncall',
    groupKey: 'rule=time-to-oom,pod=codex-pooler-app-0',
    kind: 'trigger',
    status: 'firing',
    severity: alerts.some((a) => a.severity === 'critical') ? 'critical' : alerts.some((a) => a.severity === 'warning') ? 'warning' : 'info',
    title: '[CRITICAL] time-to-oom on codex-pooler-app-0',
    alerts,
    createdAt: '2026-11-24T11:36:30.000Z',
    ...overrides,
  };
}

/** The resolve of `notification()`. */
export function resolvedNotification(): Notification {
  const alert = alertItem({ status: 'resolved', endsAt: '2026-11-24T11:56:00.000Z' });
  return notification({ id: 'n-resolve-5c1e0f3a', kind: 'resolve', status: 'resolved', title: '[RESOLVED] time-to-oom on codex-pooler-app-0' }, [alert]);
}

/** Stress input for vendor limits: `count` alerts, each with oversized text in every field. */
export function hugeNotification(count = 80): Notification {
  const long = (n: number) => 'x'.repeat(n);
  const alerts = Array.from({ length: count }, (_, i) =>
    alertItem({
      fingerprint: `fp${i.toString().padStart(14, '0')}`,
      pod: `codex-pooler-app-${i}`,
      title: `binary-growth on codex-pooler-app-${i} ${long(400)}`,
      summary: `summary ${i} ${long(5000)}`,
      hint: long(4000),
      promql: long(6000),
      evidence: Array.from({ length: 40 }, (_, j) => ({ name: `k${j}${long(300)}`, value: long(2000) })),
    }),
  );
  return notification({ title: `[CRITICAL] ${long(3000)}` }, alerts);
}
