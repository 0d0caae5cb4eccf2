import * as z from 'zod';
import { configView, viewParser } from './config-view.ts';

/**
 * The config as the probe Lambda reads it (config-view.ts): every section the probe uses (targets, checks, alerting,
 * built-in checks, metric names, selectors, thresholds, routing, links, receivers' names) validated exactly as in
 * the whole config; the receiver, delivery and sampler-logs sections accepted unread.
 */
export const ProbeConfig = configView({});
export type ProbeConfig = z.infer<typeof ProbeConfig>;

/** {@link ProbeConfig} from JSON text (the SSM parameter), with the same checks and messages as `parseJsonConfig`. */
export const parseProbeConfigJson = viewParser(ProbeConfig);
