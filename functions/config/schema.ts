import * as z from 'zod';
import { DeliveryConfig, Receiver } from './alerting.ts';
import { ReceiverConfig } from './receiver.ts';
import { SamplerLogs } from './sampler.ts';
import { completeSections, defaultReceivers, probeSections } from './sections.ts';

export { Duration } from './duration.ts';

export { SecretRef } from './secret-ref.ts';

export { AlertPolicy, Target } from './sections.ts';

// The probe's sections (sections.ts), so both schemas always share them, plus what only the local runtime, dispatch
// and sampler-logs read.
const ConfigShape = z
  .object({
    ...probeSections,
    /** Serve the Alertmanager webhook receiver (`POST /alertmanager`, `GET /healthz`) beside the probe loop. */
    receiver: ReceiverConfig.optional(),
    /** Where notifications go. None configured: the console and `<state.dir>/notifications.jsonl`. */
    receivers: z.array(Receiver).default([]),
    delivery: DeliveryConfig.default(DeliveryConfig.parse({})),
    samplerLogs: SamplerLogs.default(SamplerLogs.parse({})),
  })
  .strict();

/** The whole config; receivers and routing are filled with the local defaults and cross-checked. */
export const Config = ConfigShape.transform((c, ctx) => ({ ...c, ...completeSections(c, ctx, defaultReceivers) }));
export type Config = z.infer<typeof Config>;
