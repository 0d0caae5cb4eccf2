import { parseAlertmanagerWebhookConfigJson, type AlertmanagerWebhookConfig } from '../../config/webhook-config.ts';
import { memoDeps, sharedDeps } from './deps.ts';
import { externalAlertDeps, type ExternalAlertDeps } from './external-alert-deps.ts';

/** What the Alertmanager webhook uses: the ledger and queue, with the config sections it reads (webhook-config.ts). */
export type WebhookDeps = ExternalAlertDeps<AlertmanagerWebhookConfig>;

const webhookSharedDeps = sharedDeps(parseAlertmanagerWebhookConfigJson);

/** The webhook's composition root, memoised per cold start. */
export const webhookDeps: () => Promise<WebhookDeps> = memoDeps(() => externalAlertDeps(webhookSharedDeps));
