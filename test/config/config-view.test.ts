import { describe, expect, it } from 'vitest';
import { parseSamplerLogsConfigJson, type SamplerLogsConfig } from '../../functions/config/sampler-logs-config.ts';
import { parseJsonConfig } from '../../functions/config/validate.ts';
import { parseAlertmanagerWebhookConfigJson, type AlertmanagerWebhookConfig } from '../../functions/config/webhook-config.ts';
import { ConfigError } from '../../functions/platform/errors.ts';
import { expectRefusedAsWhole, FULL } from '../helpers/full-config.ts';

// The alertmanager-webhook and sampler-logs Lambdas validate only the sections they read (functions/config/
// config-view.ts), as the probe does (probe-config.test.ts): those exactly as the whole config does; the channels'
// own settings and the sections they never read are left, on purpose, to `config-json` and dispatch, so their cold
// starts never build the channel schemas.

const BASE = { ...FULL, receiver: { auth: 'none', maxBodyBytes: 65_536 } };

interface ViewCase {
  name: string;
  parse: (text: string, source?: string) => { receivers: Array<{ name: string; sendResolved: boolean; channel: { type: string } }> };
  /** Sections of the whole config the view accepts unread (and drops). */
  unread: string[];
  /** Configs broken in a section only this view reads, and the issue line. */
  brokenRead: Array<[Record<string, unknown>, RegExp]>;
}

const VIEWS: ViewCase[] = [
  {
    name: 'alertmanager-webhook',
    parse: parseAlertmanagerWebhookConfigJson,
    unread: ['delivery', 'samplerLogs'],
    brokenRead: [
      [{ ...BASE, receiver: { auth: 'none', maxBodyBytes: 10 } }, /^receiver\.maxBodyBytes: /m],
      [{ ...BASE, receiver: { maxBodyBytes: 65_536 } }, /^receiver\.auth: /m],
      [{ ...BASE, receiver: { auth: 'none', extra: 1 } }, /^receiver: Unrecognized key/m],
    ],
  },
  {
    name: 'sampler-logs',
    parse: parseSamplerLogsConfigJson,
    unread: ['delivery', 'receiver'],
    brokenRead: [
      [{ ...BASE, samplerLogs: { thresholdRatio: 7 } }, /^samplerLogs\.thresholdRatio: /m],
      [{ ...BASE, samplerLogs: { message: 'a*b' } }, /^samplerLogs\.message: letters, digits, spaces, _ \. - only$/m],
      [{ ...BASE, samplerLogs: { maxLineBytes: 10 } }, /^samplerLogs\.maxLineBytes: /m],
    ],
  },
];

describe.each(VIEWS)('the $name view of the config', ({ parse, unread, brokenRead }) => {
  it('reads every section it uses exactly as the whole config does, and no other', () => {
    const text = JSON.stringify(BASE);
    const full = parseJsonConfig(text, 'ssm:/c') as Record<string, unknown> & { receivers: Array<{ name: string; sendResolved: boolean; channel: { type: string } }> };
    const { receivers: viewReceivers, ...viewSections } = parse(text, 'ssm:/c');
    const sections = Object.fromEntries(Object.entries(full).filter(([k]) => k !== 'receivers' && !unread.includes(k)));
    expect(viewSections).toEqual(sections);
    for (const k of unread) expect(viewSections).not.toHaveProperty(k);
    // The channel as written (its defaults are dispatch's business), with the same name, sendResolved and type.
    const routed = (list: typeof viewReceivers) => list.map((r) => [r.name, r.sendResolved, r.channel.type]);
    expect(routed(viewReceivers)).toEqual(routed(full.receivers));
    expect(viewReceivers[0]?.channel).toEqual(FULL.receivers[0]?.channel);
  });

  it('refuses a config broken in a section it reads with the whole config’s message', () => {
    const broken: Array<[Record<string, unknown>, RegExp]> = [
      ...brokenRead,
      [{ ...BASE, routing: { route: { receiver: 'nobody' } } }, /^routing\.route: receiver "nobody" is not defined in receivers$/m],
      [{ ...BASE, receivers: [...BASE.receivers, BASE.receivers[0]] }, /^receivers\.2\.name: duplicate receiver "pager"$/m],
      [{ ...BASE, receivers: [{ name: 'x', channel: { type: 'carrier-pigeon' } }] }, /^receivers\.0\.channel\.type: /m],
      [{ ...BASE, links: { runbook: 'nope' } }, /^links\.runbook: /m],
      [{ ...BASE, metricNames: { nope: 'x' } }, /^metricNames: Unrecognized key: "nope"$/m],
      [{ ...BASE, thresholds: { bogus: 1 } }, /^thresholds: /m],
      [{ ...BASE, unknownSection: {} }, /^\(root\): Unrecognized key/m],
    ];
    expectRefusedAsWhole(parse, broken);
  });

  it('accepts, on purpose, broken channel settings and broken sections it never reads (config-json and dispatch refuse them)', () => {
    const accepted = [
      { ...BASE, receivers: [{ name: 'pager', channel: { type: 'pagerduty', routingKey: 42 } }, BASE.receivers[1]] },
      { ...BASE, receivers: [BASE.receivers[0], { name: 'chat', sendResolved: false, channel: { type: 'slack', webhookUrl: 'http://not-a-secret-ref' } }] },
      ...unread.map((k) => ({ ...BASE, [k]: { bogus: true } })),
    ];
    for (const config of accepted) {
      const text = JSON.stringify(config);
      expect(() => parseJsonConfig(text)).toThrow(ConfigError);
      const view = parse(text);
      expect(view.receivers.map((r) => [r.name, r.sendResolved])).toEqual([
        ['pager', true],
        ['chat', false],
      ]);
    }
    // With no target and no check, a `receiver` is what there is to do, read or not, as in the whole config.
    const receiverOnly = JSON.stringify({ receiver: { auth: 'none' }, receivers: FULL.receivers, routing: FULL.routing });
    expect(parse(receiverOnly).receivers).toHaveLength(2);
  });
});

describe('the views’ types', () => {
  it('give code no section its view did not validate, and take the whole config', () => {
    const text = JSON.stringify(BASE);
    const webhook = parseAlertmanagerWebhookConfigJson(text);
    const sampler = parseSamplerLogsConfigJson(text);
    expect(webhook.receiver?.maxBodyBytes).toBe(65_536);
    expect(sampler.samplerLogs.thresholdRatio).toBe(0.6);
    // Checked by the compiler (tsc fails on an unused @ts-expect-error) and at run time (the sections are dropped).
    // @ts-expect-error the webhook's view has no samplerLogs
    expect(webhook.samplerLogs).toBeUndefined();
    // @ts-expect-error nor delivery
    expect(webhook.delivery).toBeUndefined();
    // @ts-expect-error the sampler-logs view has no receiver
    expect(sampler.receiver).toBeUndefined();
    // @ts-expect-error nor delivery
    expect(sampler.delivery).toBeUndefined();
    // The whole config is every view: the local runtime passes it to the same routing and ingest code.
    const full = parseJsonConfig(text);
    const views: [AlertmanagerWebhookConfig, SamplerLogsConfig] = [full, full];
    expect(views[0].routing).toEqual(webhook.routing);
    expect(views[1].samplerLogs).toEqual(sampler.samplerLogs);
  });
});
