import * as z from 'zod';
import { DeliveryConfig, Receiver } from './alerting.ts';
import { ReceiverConfig } from './receiver.ts';
import { SamplerLogs } from './sampler.ts';
import { completeSections, defaultReceivers, probeSections } from './sections.ts';

export { Duration } from './duration.ts';

export { SecretRef } from './secret-ref.ts';

export { AlertPolicy, Target } from './sections.ts';

// The probe's sections (sections.ts) plus what only the local runtime, dispatch and sampler-logs read, in the order
// the parsed config has always had its keys.
const ConfigShape = z
  .object({
    targets: probeSections.targets,
    /** Serve the Alertmanager webhook receiver (`POST /alertmanager`, `GET /healthz`) beside the probe loop. */
    receiver: ReceiverConfig.optional(),
    checks: probeSections.checks,
    interval: probeSections.interval,
    alerting: probeSections.alerting,
    builtinChecks: probeSections.builtinChecks,
    metricNames: probeSections.metricNames,
    selectors: probeSections.selectors,
    thresholds: probeSections.thresholds,
    state: probeSections.state,
    /** Where notifications go. None configured: the console and `<state.dir>/notifications.jsonl`. */
    receivers: z.array(Receiver).default([]),
    routing: probeSections.routing,
    links: probeSections.links,
    delivery: DeliveryConfig.default(DeliveryConfig.parse({})),
    samplerLogs: SamplerLogs.default(SamplerLogs.parse({})),
  })
  .strict();

/** The whole config; receivers and routing are filled with the local defaults and cross-checked. */
export const Config = ConfigShape.transform((c, ctx) => ({ ...c, ...completeSections(c, ctx, defaultReceivers) }));
export type Config = z.infer<typeof Config>;
