import { describe, expect, it } from 'vitest';
import { Config } from '../../functions/config/schema.ts';
import { emptyGrouperState } from '../../functions/core/routing/index.ts';
import { createSanitizer } from '../../functions/core/sanitize/index.ts';
import type { Finding } from '../../functions/core/types.ts';
import { createLogger } from '../../functions/platform/logger.ts';
import { buildWatcher } from '../../functions/runtime/build-watcher.ts';
import { planProbeJobs } from '../../functions/runtime/plan-jobs.ts';

const SECRET = 'tok-9f8e7d6c5b4a39281706';
const logger = createLogger({ stream: { write: () => true }, level: 'error' });

describe('planProbeJobs', () => {
  it('never carries a secret in the group key, even when a pod or check is named after one', () => {
    const config = Config.parse({
      receiver: { auth: 'none' },
      alerting: { forEvaluations: 1 },
      receivers: [{ name: 'log', channel: { type: 'console' } }],
      routing: { route: { receiver: 'log', groupWait: 0 } },
    });
    const watcher = buildWatcher(config);
    const finding: Finding = {
      rule: 'http-check-failed',
      severity: 'critical',
      pod: `check-${SECRET}`,
      target: `check-${SECRET}`,
      summary: 'check failed',
      evidence: {},
      hint: 'look',
      promql: '',
    };
    const now = Date.parse('2026-11-26T10:00:00Z');
    const { transitions } = watcher.observe({ now, snapshots: [], scrapeFailures: [], checks: { findings: [finding], evaluated: [finding.pod] } });
    expect(transitions).toHaveLength(1);
    const sanitize = createSanitizer({ secrets: [SECRET] });
    const { jobs } = planProbeJobs({ config, grouper: emptyGrouperState(), transitions, lookup: (fp) => watcher.alert(fp), sanitize, now, logger });
    expect(jobs.length).toBeGreaterThan(0);
    for (const job of jobs) {
      expect(JSON.stringify(job)).not.toContain(SECRET);
      expect(job.notification.groupKey).toContain('check-');
    }
    // Deterministic: the same round plans the same group key and id (threads and idempotency stay stable).
    const again = planProbeJobs({ config, grouper: emptyGrouperState(), transitions, lookup: (fp) => watcher.alert(fp), sanitize, now, logger });
    expect(again.jobs.map((j) => [j.id, j.notification.groupKey])).toEqual(jobs.map((j) => [j.id, j.notification.groupKey]));
  });
});
