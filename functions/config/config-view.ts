import * as z from 'zod';
import { CHANNEL_TYPES } from '../channels/channel-types.ts';
import { parseJsonConfigWith } from './parse-config.ts';
import type { receiverSection } from './receiver.ts';
import type { samplerLogsSection } from './sampler.ts';
import { completeSections, defaultReceivers, probeSections, receiverRouteFields } from './sections.ts';

/*
 * A Lambda function's view of the config: the sections it reads, validated exactly as the whole config (schema.ts)
 * validates them, the rest accepted unread. The probe, the Alertmanager webhook and sampler-logs route alerts to
 * receivers by name and never build a channel, so the channels' own settings (and their ~200 zod schemas, built at
 * every cold start) are left to `pooler-watch config-json`, which refuses the whole config before upload, and to
 * dispatch, which validates it in full. Nothing here imports a channel's config schema.
 */

// Each channel's `type` alone, in a discriminated union as in the whole config: an unknown type fails the same way.
const typeOnly = CHANNEL_TYPES.map((type) => z.looseObject({ type: z.literal(type) }));

/** A receiver as routing sees it: the name routes point at, `sendResolved`, and a channel of a known type. */
const RouteReceiver = z
  .object({
    ...receiverRouteFields,
    channel: z.discriminatedUnion('type', typeOnly as [(typeof typeOnly)[number], ...typeof typeOnly]),
  })
  .strict();
export type RouteReceiver = z.infer<typeof RouteReceiver>;

/** What every view validates: the probe's sections and the receivers' route fields. */
const viewShape = { ...probeSections, receivers: z.array(RouteReceiver).default([]) };
type ViewSections = z.output<z.ZodObject<typeof viewShape>>;

/** The whole config's other sections: a view accepts those it does not read, unread (and drops them). */
const OTHER_SECTIONS = ['receiver', 'delivery', 'samplerLogs'] as const;

/** What a view may read besides {@link viewShape}, with the whole config's own schemas (never `unknown`). */
export type ReadableSections = Partial<typeof receiverSection & typeof samplerLogsSection>;

type Completed = ReturnType<typeof completeSections<RouteReceiver>>;

/**
 * A view's type: the sections it validated and nothing else, so code given a view cannot read a section it did not
 * validate. A `Config` is every view (the local runtime passes it where a view is expected).
 */
export type ConfigView<S extends ReadableSections> = Omit<z.output<z.ZodObject<typeof viewShape & S>>, keyof Completed> & Completed;

/**
 * The view that reads {@link viewShape} plus `read` (e.g. `receiverSection`); receivers and routing are filled with
 * the local defaults and cross-checked as in the whole config, so each section fails with the same message.
 */
export function configView<S extends ReadableSections>(read: S): z.ZodType<ConfigView<S>> {
  const unread = new Set<string>(OTHER_SECTIONS.filter((k) => !(k in read)));
  const shape: z.ZodRawShape = { ...viewShape, ...Object.fromEntries([...unread].map((k) => [k, z.unknown().optional()])), ...read };
  return z
    .object(shape)
    .strict()
    .transform((parsed, ctx) => {
      // The view's sections and those in `read`, which a type of the generic shape cannot follow (hence the casts).
      const view = Object.fromEntries(Object.entries(parsed).filter(([k]) => !unread.has(k))) as ViewSections;
      // Read or not, a `receiver` counts as something to do, as in the whole config.
      const { receiver } = parsed as { receiver?: unknown };
      return { ...view, ...completeSections({ ...view, receiver }, ctx, defaultReceivers) } as unknown as ConfigView<S>;
    });
}

/** A view's parser of JSON text (the SSM parameter), with the same checks and messages as `parseJsonConfig`. */
export function viewParser<T extends { thresholds: Record<string, number> }>(view: z.ZodType<T>): (text: string, source?: string) => T {
  return (text, source = 'config') => parseJsonConfigWith(view, text, source);
}
