import { describe, expect, it } from 'vitest';
import type { AlertState } from '../../../functions/core/alerts/types.ts';
import { humanizeEvidence } from '../../../functions/core/render/humanize.ts';
import { buildNotification, notificationId, renderProbeAlert } from '../../../functions/core/render/render.ts';
import { createSanitizer } from '../../../functions/core/sanitize/index.ts';

const state: AlertState = {
  fingerprint: 'abc123',
  rule: 'time-to-oom',
  pod: 'codex-pooler-app-0',
  target: 'prometheus',
  status: 'firing',
  severity: 'critical',
  summary: 'RSS growing',
  finding: {
    rule: 'time-to-oom',
    severity: 'critical',
    pod: 'codex-pooler-app-0',
    target: 'prometheus',
    summary: 'RSS 840 MiB growing: OOM in ~20 min',
    hint: 'inspect streaming response retention',
    promql: 'up',
    evidence: { minutesToOom: 19.8, slopeMiBPerMin: 9.3, levelRatio: 0.82, limitBytes: 1073741824 },
    series: [[0, 500 * 1048576], [60_000, 1000 * 1048576]],
  },
  activeCount: 2,
  inactiveCount: 0,
  firedAt: Date.parse('2026-11-24T11:36:30Z'),
  changedAt: 0,
  lastEvaluatedAt: 0,
};

describe('render', () => {
  it('humanizes evidence by the unit in its key', () => {
    expect(humanizeEvidence({ minutesToOom: 19.8, slopeMiBPerMin: 9.3, levelRatio: 0.82, limitBytes: 1073741824, signal: 'rss' })).toEqual([
      { name: 'minutes to OOM', value: '19.8 min' },
      { name: 'slope', value: '9.3 MiB/min' },
      { name: 'level ratio', value: '82%' },
      { name: 'limit', value: '1,024 MiB' },
      { name: 'signal', value: 'rss' },
    ]);
  });

  it('renders a probe alert with its hint, PromQL, sparkline scaled to the limit, links and allowlisted labels', () => {
    const item = renderProbeAlert(state, 'firing', 0, { links: { runbook: 'https://docs.example.com/r?token=abc', dashboard: 'https://g.example.com/d' }, sanitize: createSanitizer({ secrets: [] }) });
    expect(item).toMatchObject({ fingerprint: 'abc123', title: 'time-to-oom on codex-pooler-app-0', hint: 'inspect streaming response retention', startsAt: '2026-11-24T11:36:30.000Z' });
    expect(item.sparkline?.text).toBe('▄█');
    expect(item.sparkline?.caption).toContain('scaled to the memory limit');
    expect(item.links).toEqual([{ title: 'Runbook', url: 'https://docs.example.com/r' }, { title: 'Dashboard', url: 'https://g.example.com/d' }]);
    expect(Object.keys(item.labels).sort()).toEqual(['pod', 'rule', 'severity', 'source', 'status', 'target']);
  });

  it('gives the same id to the same transition and a different id to another receiver or time', () => {
    const parts = [{ fingerprint: 'a', status: 'firing', at: 't1' }];
    expect(notificationId('r', 'g', 'trigger', parts)).toBe(notificationId('r', 'g', 'trigger', [...parts]));
    expect(notificationId('r2', 'g', 'trigger', parts)).not.toBe(notificationId('r', 'g', 'trigger', parts));
    expect(notificationId('r', 'g', 'trigger', [{ ...parts[0]!, at: 't2' }])).not.toBe(notificationId('r', 'g', 'trigger', parts));
  });

  it('titles a group by its most severe alert, and resolves as RESOLVED', () => {
    const item = renderProbeAlert(state, 'firing', 0, { links: {}, sanitize: createSanitizer({ secrets: [] }) });
    const warn = { ...item, fingerprint: 'b', severity: 'warning' as const };
    const n = buildNotification({ receiver: 'r', groupKey: 'g', kind: 'trigger', alerts: [warn, item], transitionTimes: {}, now: 0 });
    expect(n.severity).toBe('critical');
    expect(n.title).toBe('[CRITICAL] time-to-oom on codex-pooler-app-0 (+1 more)');
    const resolved = buildNotification({ receiver: 'r', groupKey: 'g', kind: 'resolve', alerts: [{ ...item, status: 'resolved' }], transitionTimes: {}, now: 0 });
    expect(resolved.status).toBe('resolved');
    expect(resolved.title.startsWith('[RESOLVED]')).toBe(true);
  });
});
