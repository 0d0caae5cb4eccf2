/**
 * Every channel's `type`, without the channels' config schemas: what the probe checks of a receiver's channel (it
 * routes by receiver name and never builds a channel). registry.ts fails to compile if this list and its union of
 * channel configs ever differ.
 */
export const CHANNEL_TYPES = ['pagerduty', 'opsgenie', 'slack', 'teams', 'discord', 'google-chat', 'webhook', 'sns', 'console', 'jsonl'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];
