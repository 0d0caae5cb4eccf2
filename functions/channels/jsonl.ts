import { appendFile, mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import * as z from 'zod';
import { ChannelError } from '../platform/errors.ts';
import type { Channel, ChannelDeps } from './channel.ts';

/** Appends each notification as one JSON line: the local record of what would have been sent. */
export const JsonlConfig = z
  .object({
    type: z.literal('jsonl'),
    path: z.string().min(1).default('.pooler-watch/notifications.jsonl'),
  })
  .strict();
export type JsonlConfig = z.infer<typeof JsonlConfig>;

export async function createJsonlChannel(name: string, config: JsonlConfig, _deps: ChannelDeps): Promise<Channel> {
  let ready: Promise<unknown> | undefined;
  return {
    type: 'jsonl',
    name,
    async send(n) {
      try {
        ready ??= mkdir(dirname(config.path), { recursive: true });
        await ready;
        await appendFile(config.path, JSON.stringify(n) + '\n', 'utf8');
      } catch (err) {
        // A full disk may clear; a missing permission will not — but retrying a local append is cheap either way.
        throw new ChannelError({ channel: 'jsonl', reason: (err as NodeJS.ErrnoException).code ?? 'write failed', retryable: true });
      }
    },
  };
}
