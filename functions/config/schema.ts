import * as z from 'zod';
import { DeliveryConfig, Receiver } from './alerting.ts';
import { receiverSection } from './receiver.ts';
import { samplerLogsSection } from './sampler.ts';
import { completeSections, defaultReceivers, probeSections } from './sections.ts';

export { Duration } from './duration.ts';

export { SecretRef } from './secret-ref.ts';

export { AlertPolicy, Target } from './sections.ts';

// The probe's sections (sections.ts), so every view of the config (config-view.ts) shares them, plus what only some
// functions read: the receiver and sampler-logs sections are spread from the modules the views take them from too.
const ConfigShape = z
  .object({
    ...probeSections,
    /** Serve the Alertmanager webhook receiver (`POST /alertmanager`, `GET /healthz`) beside the probe loop. */
    ...receiverSection,
    /** Where notifications go. None configured: the console and `<state.dir>/notifications.jsonl`. */
    receivers: z.array(Receiver).default([]),
    delivery: DeliveryConfig.default(DeliveryConfig.parse({})),
    ...samplerLogsSection,
  })
  .strict();

/** The whole config; receivers and routing are filled with the local defaults and cross-checked. */
export const Config = ConfigShape.transform((c, ctx) => ({ ...c, ...completeSections(c, ctx, defaultReceivers) }));
export type Config = z.infer<typeof Config>;
