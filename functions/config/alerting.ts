import * as z from 'zod';
import { ChannelConfig } from '../channels/registry.ts';
import { Duration } from './duration.ts';
import { receiverRouteFields } from './sections.ts';

/*
 * The delivery side of the config: what dispatch and the local notifier need and the probe, webhook and sampler-logs
 * Lambdas never read (they route by receiver name; config-view.ts). Channel config schemas are reached from here only.
 */

/** A receiver: a name routes point at, one channel, and whether it wants resolves. */
export const Receiver = z
  .object({
    ...receiverRouteFields,
    channel: ChannelConfig,
  })
  .strict();
export type Receiver = z.infer<typeof Receiver>;

export const DeliveryConfig = z
  .object({
    /** Total time one notification may spend on retries before its fallback (or the dead-letter file) takes it. */
    deadline: Duration.default(60_000),
    maxAttempts: z.number().int().min(1).max(20).default(6),
    perAttemptTimeout: Duration.default(10_000),
    baseDelay: Duration.default(500),
    maxDelay: Duration.default(30_000),
    concurrency: z.number().int().min(1).max(32).default(4),
  })
  .strict();
export type DeliveryConfig = z.infer<typeof DeliveryConfig>;
