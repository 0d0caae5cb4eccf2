import * as z from 'zod';
import { SecretRef } from './secret-ref.ts';

/**
 * The Alertmanager webhook receiver of the local runtime. Credentials are required: Alertmanager sends
 * `http_config.authorization` (bearer) or `basic_auth`; `auth: none` must be said out loud.
 */
export const ReceiverConfig = z
  .object({
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(9095),
    auth: z.union([
      z.literal('none'),
      z.object({ bearer: SecretRef }).strict(),
      z.object({ basic: z.object({ username: SecretRef, password: SecretRef }).strict() }).strict(),
    ]),
    maxBodyBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
  })
  .strict();
export type ReceiverConfig = z.infer<typeof ReceiverConfig>;

/** The section as the whole config (schema.ts) and the webhook Lambda's view (webhook-config.ts) validate it. */
export const receiverSection = { receiver: ReceiverConfig.optional() };
