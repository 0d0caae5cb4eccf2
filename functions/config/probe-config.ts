import * as z from 'zod';
import { CHANNEL_TYPES } from '../channels/channel-types.ts';
import { parseJsonConfigWith } from './parse-config.ts';
import { completeSections, defaultReceivers, probeSections, receiverRouteFields } from './sections.ts';

/**
 * A receiver as the probe sees it: the name routes point at, `sendResolved`, and a channel of a known type. The
 * probe routes alerts to receivers by name and never builds a channel, so the channel's own settings (and their
 * ~200 zod schemas, built at every cold start) are left to `pooler-watch config-json`, which refuses the whole
 * config before upload, and to dispatch, which validates it in full.
 */
const ProbeReceiver = z
  .object({
    ...receiverRouteFields,
    channel: z.looseObject({ type: z.enum(CHANNEL_TYPES) }),
  })
  .strict();
export type ProbeReceiver = z.infer<typeof ProbeReceiver>;

/**
 * The config as the probe Lambda reads it: every section the probe uses (targets, checks, alerting, built-in
 * checks, metric names, selectors, thresholds, routing, links, receivers' names) validated exactly as in the
 * whole config (schema.ts), the rest accepted unread. A `Config` is a `ProbeConfig`; the probe cannot read a
 * section it did not validate, since the type does not have it.
 */
export const ProbeConfig = z
  .object({
    ...probeSections,
    receivers: z.array(ProbeReceiver).default([]),
    // Read by the local runtime, dispatch and sampler-logs only; validated there and by `config-json`.
    receiver: z.unknown().optional(),
    delivery: z.unknown().optional(),
    samplerLogs: z.unknown().optional(),
  })
  .strict()
  .transform(({ receiver, delivery: _delivery, samplerLogs: _samplerLogs, ...c }, ctx) => ({ ...c, ...completeSections({ ...c, receiver }, ctx, defaultReceivers) }));
export type ProbeConfig = z.infer<typeof ProbeConfig>;

/** {@link ProbeConfig} from JSON text (the SSM parameter), with the same checks and messages as `parseJsonConfig`. */
export function parseProbeConfigJson(text: string, source = 'config'): ProbeConfig {
  return parseJsonConfigWith(ProbeConfig, text, source);
}
