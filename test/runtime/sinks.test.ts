import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { Config } from '../../functions/config/schema.ts';
import type { Finding } from '../../functions/core/types.ts';
import { Secret } from '../../functions/platform/secrets.ts';
import { buildWatcher } from '../../functions/runtime/build-watcher.ts';
import { eventLines, streamEventSink } from '../../functions/runtime/sinks.ts';

const SECRET = 'sink-secret-4e8f0a2b9c7d';

describe('event sinks', () => {
  it('redact registered secrets at the exit, whichever rule put one in a summary', async () => {
    new Secret(SECRET);
    const watcher = buildWatcher(Config.parse({ receiver: { auth: 'none' }, alerting: { forEvaluations: 1 } }));
    const finding: Finding = { rule: 'r', severity: 'warning', pod: 'p', target: 't', summary: `leaked ${SECRET}`, evidence: {}, hint: '', promql: '' };
    const { transitions } = watcher.observe({ now: 0, snapshots: [], scrapeFailures: [], checks: { findings: [finding], evaluated: ['p'] } });
    expect(transitions).toHaveLength(1);
    const line = eventLines(transitions);
    expect(line).not.toContain(SECRET);
    expect(JSON.parse(line).summary).toMatch(/^leaked /);
    const out = new PassThrough();
    let text = '';
    out.on('data', (c: Buffer) => (text += c));
    await streamEventSink(out).write(transitions);
    expect(text).toContain('leaked');
    expect(text).not.toContain(SECRET);
  });
});
