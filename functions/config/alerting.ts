import { z } from 'zod';
import { ChannelConfig } from '../channels/registry.ts';
import { RoutingConfig, receiverNames } from '../core/routing/index.ts';
import { Duration } from './duration.ts';

/** A receiver: a name routes point at, one channel, and whether it wants resolves. */
export const Receiver = z
  .object({
    name: z.string().min(1).max(128),
    sendResolved: z.boolean().default(true),
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

export const Links = z
  .object({
    runbook: z.url().optional(),
    dashboard: z.url().optional(),
  })
  .strict();

/** The local runtime's receivers when none are configured: the console and `.pooler-watch/notifications.jsonl`. */
export function defaultReceivers(stateDir: string): Receiver[] {
  return [
    { name: 'console', sendResolved: true, channel: { type: 'console' } },
    { name: 'notifications-file', sendResolved: true, channel: { type: 'jsonl', path: `${stateDir}/notifications.jsonl` } },
  ];
}

/** With the default receivers, every alert goes to both. */
export function defaultRouting(receivers: Receiver[]): RoutingConfig {
  const names = receivers.map((r) => r.name);
  return RoutingConfig.parse({
    route: {
      receiver: names[0],
      routes: names.map((receiver, i) => ({ receiver, continue: i < names.length - 1 })),
    },
  });
}

/** Every receiver a route or fallback names must be defined; returns the problems as `path: reason` issues. */
export function checkReceivers(receivers: Receiver[], routing: RoutingConfig): z.core.$ZodRawIssue[] {
  const defined = new Set(receivers.map((r) => r.name));
  const issues: z.core.$ZodRawIssue[] = [];
  receivers.forEach((r, i) => {
    if (receivers.findIndex((o) => o.name === r.name) !== i) issues.push({ code: 'custom', path: ['receivers', i, 'name'], message: `duplicate receiver "${r.name}"`, input: r.name });
  });
  for (const name of receiverNames(routing)) {
    if (!defined.has(name)) issues.push({ code: 'custom', path: ['routing', 'route'], message: `receiver "${name}" is not defined in receivers`, input: name });
  }
  return issues;
}
