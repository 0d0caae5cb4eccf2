import * as z from 'zod';
import { configView, viewParser } from './config-view.ts';
import { receiverSection } from './receiver.ts';

/**
 * The config as the alertmanager-webhook Lambda reads it (config-view.ts): the probe's sections (enrichment reads
 * links, metric names and selectors; routing reads routing and receivers' names) and `receiver` (its body cap);
 * delivery and sampler-logs accepted unread. Not the channel `webhook` (channels/webhook.ts).
 */
export const AlertmanagerWebhookConfig = configView(receiverSection);
export type AlertmanagerWebhookConfig = z.infer<typeof AlertmanagerWebhookConfig>;

/** {@link AlertmanagerWebhookConfig} from JSON text (the SSM parameter), as `parseJsonConfig` would check it. */
export const parseAlertmanagerWebhookConfigJson = viewParser(AlertmanagerWebhookConfig);
