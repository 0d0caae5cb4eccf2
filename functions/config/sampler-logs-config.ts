import * as z from 'zod';
import { configView, viewParser } from './config-view.ts';
import { samplerLogsSection } from './sampler.ts';

/**
 * The config as the sampler-logs Lambda reads it (config-view.ts): the probe's sections (findings read metric names,
 * selectors and links; routing reads routing and receivers' names) and `samplerLogs`; receiver and delivery
 * accepted unread.
 */
export const SamplerLogsConfig = configView(samplerLogsSection);
export type SamplerLogsConfig = z.infer<typeof SamplerLogsConfig>;

/** {@link SamplerLogsConfig} from JSON text (the SSM parameter), as `parseJsonConfig` would check it. */
export const parseSamplerLogsConfigJson = viewParser(SamplerLogsConfig);
