import * as z from 'zod';
import type { Channel, ChannelDeps } from './channel.ts';
import type { ChannelType } from './channel-types.ts';
import { ConsoleConfig, createConsoleChannel } from './console.ts';
import { DiscordConfig, createDiscordChannel } from './discord.ts';
import { GoogleChatConfig, createGoogleChatChannel } from './google-chat.ts';
import { JsonlConfig, createJsonlChannel } from './jsonl.ts';
import { OpsgenieConfig, createOpsgenieChannel } from './opsgenie.ts';
import { PagerDutyConfig, createPagerDutyChannel } from './pagerduty.ts';
import { SlackConfig, createSlackChannel } from './slack.ts';
import { SnsConfig, createSnsChannel } from './sns.ts';
import { TeamsConfig, createTeamsChannel } from './teams.ts';
import { WebhookConfig, createWebhookChannel } from './webhook.ts';

/** Every channel's config, discriminated by `type`. A new channel is one file plus two lines here. */
export const ChannelConfig = z.discriminatedUnion('type', [
  PagerDutyConfig,
  OpsgenieConfig,
  SlackConfig,
  TeamsConfig,
  DiscordConfig,
  GoogleChatConfig,
  WebhookConfig,
  SnsConfig,
  ConsoleConfig,
  JsonlConfig,
]);
export type ChannelConfig = z.infer<typeof ChannelConfig>;

type Factories = {
  [K in ChannelConfig['type']]: (name: string, config: Extract<ChannelConfig, { type: K }>, deps: ChannelDeps) => Promise<Channel>;
};

const FACTORIES = {
  pagerduty: createPagerDutyChannel,
  opsgenie: createOpsgenieChannel,
  slack: createSlackChannel,
  teams: createTeamsChannel,
  discord: createDiscordChannel,
  'google-chat': createGoogleChatChannel,
  webhook: createWebhookChannel,
  sns: (name, config, deps) => createSnsChannel(name, config, deps),
  console: createConsoleChannel,
  jsonl: createJsonlChannel,
} satisfies Factories;

export { CHANNEL_TYPES } from './channel-types.ts';

/** Compiles only while channel-types.ts lists exactly the types of {@link ChannelConfig} (the probe validates against it). */
export type ChannelTypesMatch = [ChannelType, ChannelConfig['type']] extends [ChannelConfig['type'], ChannelType] ? true : never;
export const CHANNEL_TYPES_MATCH: ChannelTypesMatch = true;

export function createChannel(name: string, config: ChannelConfig, deps: ChannelDeps): Promise<Channel> {
  const factory = FACTORIES[config.type] as (name: string, config: ChannelConfig, deps: ChannelDeps) => Promise<Channel>;
  return factory(name, config, deps);
}
