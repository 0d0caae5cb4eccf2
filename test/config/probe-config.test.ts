import { describe, expect, it } from 'vitest';
import { parseProbeConfigJson, type ProbeConfig } from '../../functions/config/probe-config.ts';
import { Config } from '../../functions/config/schema.ts';
import { parseJsonConfig } from '../../functions/config/validate.ts';
import { ConfigError } from '../../functions/platform/errors.ts';
import { expectRefusedAsWhole, FULL, issuesOf } from '../helpers/full-config.ts';

// The probe Lambda validates only the sections it reads (functions/config/probe-config.ts): those exactly as the
// whole config does, the channels' own settings and the sampler-logs, delivery and local receiver sections not.

describe('ProbeConfig', () => {
  it('reads every section the probe uses exactly as the whole config does', () => {
    const text = JSON.stringify(FULL);
    const full = parseJsonConfig(text, 'ssm:/c');
    const probe = parseProbeConfigJson(text, 'ssm:/c');
    const { receivers, delivery: _delivery, samplerLogs: _samplerLogs, receiver: _receiver, ...sections } = full;
    const { receivers: probeReceivers, ...probeSections } = probe;
    expect(probeSections).toEqual(sections);
    // The channel as written (its defaults are dispatch's business), with the same name, sendResolved and type.
    const routed = (list: Array<{ name: string; sendResolved: boolean; channel: { type: string } }>) => list.map((r) => [r.name, r.sendResolved, r.channel.type]);
    expect(routed(probeReceivers)).toEqual(routed(receivers));
    expect(probeReceivers[0]?.channel).toEqual(FULL.receivers[0]?.channel);
    // The whole config is a ProbeConfig (checked by the compiler): shared code takes either.
    const asProbe: ProbeConfig = full;
    expect(asProbe.receivers.map((r) => [r.name, r.sendResolved])).toEqual([
      ['pager', true],
      ['chat', false],
    ]);
    expect(Object.keys(probe)).not.toEqual(expect.arrayContaining(['delivery']));
    expect(probe).not.toHaveProperty('samplerLogs');
  });

  it('fills the local default receivers and routing as the whole config does', () => {
    const text = JSON.stringify({ targets: FULL.targets.slice(0, 1) });
    const probe = parseProbeConfigJson(text);
    const full = parseJsonConfig(text);
    expect(probe.receivers).toEqual(full.receivers);
    expect(probe.routing).toEqual(full.routing);
    expect(probe.targets).toEqual(full.targets);
  });

  it('refuses a config broken in a section it reads, naming the path like the whole config', () => {
    const broken: Array<[Record<string, unknown>, RegExp]> = [
      [{ ...FULL, targets: [{ name: 'x', url: 'not a url' }] }, /^targets\.0\.url: /m],
      [{ ...FULL, thresholds: { memoryWarnRatio: 0.99, memoryCritRatio: 0.9 } }, /^thresholds\.memoryWarnRatio: memoryWarnRatio must not exceed memoryCritRatio$/m],
      [{ ...FULL, thresholds: { bogus: 1 } }, /^thresholds: /m],
      [{ ...FULL, routing: { route: { receiver: 'nobody' } } }, /^routing\.route: receiver "nobody" is not defined in receivers$/m],
      [{ ...FULL, receivers: [...FULL.receivers, FULL.receivers[0]] }, /^receivers\.2\.name: duplicate receiver "pager"$/m],
      [{ ...FULL, receivers: [{ name: 'x', channel: { type: 'carrier-pigeon' } }] }, /^receivers\.0\.channel\.type: /m],
      [{ ...FULL, receivers: [{ name: 'x', channel: { type: 'console' }, extra: 1 }] }, /^receivers\.0: /m],
      [{ ...FULL, checks: [{ name: 'login', url: 'https://u:p@codex.example/' }] }, /^checks\.0\.url: no credentials in the URL/m],
      [{ ...FULL, alerting: { forEvaluations: 0 } }, /^alerting\.forEvaluations: /m],
      [{ ...FULL, builtinChecks: { metricsAuth: { mode: 'sometimes' } } }, /^builtinChecks\.metricsAuth\.mode: /m],
      [{ ...FULL, links: { runbook: 'nope' } }, /^links\.runbook: /m],
      [{ ...FULL, unknownSection: {} }, /^\(root\): Unrecognized key/m],
      [{ receivers: FULL.receivers }, /^targets: configure at least one target, a check, or the receiver$/m],
    ];
    expectRefusedAsWhole(parseProbeConfigJson, broken);
  });

  it('refuses what is not JSON, or a key given twice, as parseJsonConfig does', () => {
    expect(issuesOf(() => parseProbeConfigJson('targets: []', 'ssm:/c'))).toMatch(/^ssm:\/c: not JSON .*pooler-watch config-json/);
    expect(issuesOf(() => parseProbeConfigJson('{"interval": "1m", "interval": "2m"}'))).toMatch(/a key appears twice/);
  });

  it('leaves the channels’ own settings and the sections it never reads to config-json and dispatch', () => {
    const unread = [
      { ...FULL, receivers: [{ name: 'pager', channel: { type: 'pagerduty', routingKey: 42 } }, FULL.receivers[1]] },
      { ...FULL, samplerLogs: { thresholdRatio: 7 } },
      { ...FULL, delivery: { maxAttempts: 0 } },
      { ...FULL, receiver: { port: 'x' } },
    ];
    for (const config of unread) {
      const text = JSON.stringify(config);
      expect(() => parseJsonConfig(text)).toThrow(ConfigError);
      expect(parseProbeConfigJson(text).targets).toHaveLength(2);
    }
    // A receiver-only config (no target, no check) is the webhook's business: the probe accepts it as the whole config does.
    const receiverOnly = JSON.stringify({ receiver: { auth: 'none' }, receivers: FULL.receivers, routing: FULL.routing });
    expect(parseJsonConfig(receiverOnly).targets).toEqual([]);
    expect(parseProbeConfigJson(receiverOnly).targets).toEqual([]);
  });

  it('keeps Config and ProbeConfig reading the same sections with the same schemas', () => {
    const full = Config.parse(FULL);
    expect(Object.keys(parseProbeConfigJson(JSON.stringify(FULL))).sort()).toEqual(
      Object.keys(full)
        .filter((k) => !['delivery', 'samplerLogs', 'receiver'].includes(k))
        .sort(),
    );
  });
});
