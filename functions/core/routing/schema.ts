import * as z from 'zod';
import { DEFAULT_INHIBIT_RULES } from './default-inhibit-rules.ts';
import { Duration, PositiveDuration } from '../../config/duration.ts';
import { MatcherParseError, matches, parseMatcherText } from './matchers.ts';
import type { Matcher } from './matchers.ts';

const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Name of a receiver; its definition (channel, options) lives in the receivers config. */
export const ReceiverName = z.string().min(1).max(128);

const LabelName = z.string().regex(LABEL_NAME, 'expected a label name ([A-Za-z_][A-Za-z0-9_]*)');

/**
 * Matcher texts (`severity="critical"`, `rule=~"time-to-oom|memory-pressure"`, `{a="b", c!="d"}`), parsed and
 * compiled once at config load; a bad one fails with its index in the issue path.
 */
export const MatcherList = z.array(z.string()).transform((list, ctx) => {
  const out: Matcher[] = [];
  list.forEach((text, i) => {
    try {
      out.push(...parseMatcherText(text));
    } catch (err) {
      if (!(err instanceof MatcherParseError)) throw err;
      ctx.addIssue({ code: 'custom', message: err.message, path: [i], input: text });
    }
  });
  return out;
});

/** Labels to group by; `['...']` groups by all labels (Alertmanager's special value) and must stand alone. */
export const GroupBy = z
  .array(z.union([z.literal('...'), LabelName]))
  .refine((l) => !l.includes('...') || l.length === 1, '"..." means all labels and must be the only entry')
  .refine((l) => new Set(l).size === l.length, 'duplicate label');

/** A child route after parsing. Unset fields are inherited from the parent (see `matchRoutes`). */
export interface RouteConfig {
  receiver?: string;
  matchers: Matcher[];
  /** When true, later siblings are tried even after this route matched. */
  continue: boolean;
  groupBy?: string[];
  groupWait?: number;
  groupInterval?: number;
  repeatInterval?: number;
  /** Receiver used when `receiver` fails after its retries. */
  fallback?: string;
  routes: RouteConfig[];
}

/** A child route as written in config (durations may be strings, matchers are texts). */
export interface RouteConfigInput {
  receiver?: string;
  matchers?: string[];
  continue?: boolean;
  groupBy?: string[];
  groupWait?: number | string;
  groupInterval?: number | string;
  repeatInterval?: number | string;
  fallback?: string;
  routes?: RouteConfigInput[];
}

/** A child route; recursive, so the type is spelled out above rather than inferred. */
export const RouteConfig: z.ZodType<RouteConfig, RouteConfigInput> = z.lazy(() =>
  z
    .object({
      receiver: ReceiverName.optional(),
      matchers: MatcherList.default([]),
      continue: z.boolean().default(false),
      groupBy: GroupBy.optional(),
      groupWait: Duration.optional(),
      groupInterval: PositiveDuration.optional(),
      repeatInterval: PositiveDuration.optional(),
      fallback: ReceiverName.optional(),
      routes: z.array(RouteConfig).default([]),
    })
    .strict(),
);

/**
 * The root route: it matches every alert (no matchers, no `continue`, like Alertmanager) and holds the
 * defaults every child inherits. `groupBy` defaults to `['pod']` rather than Alertmanager's "one group per
 * route": a new pod at risk then waits only `groupWait`, not the `groupInterval` of an unrelated pod's group,
 * while several rules firing for one pod still arrive as one message.
 */
export const RootRoute = z
  .object({
    receiver: ReceiverName,
    groupBy: GroupBy.default(['pod']),
    groupWait: Duration.default(30_000),
    groupInterval: PositiveDuration.default(5 * 60_000),
    repeatInterval: PositiveDuration.default(4 * 3_600_000),
    fallback: ReceiverName.optional(),
    routes: z.array(RouteConfig).default([]),
  })
  .strict();
export type RootRoute = z.infer<typeof RootRoute>;

/** Mute alerts matching `targetMatchers` while an alert matching `sourceMatchers` fires with the same `equal` labels. */
export const InhibitRule = z
  .object({
    sourceMatchers: MatcherList.refine((m) => m.length > 0, 'at least one matcher'),
    targetMatchers: MatcherList.refine((m) => m.length > 0, 'at least one matcher'),
    equal: z.array(LabelName).default([]),
  })
  .strict();
export type InhibitRule = z.infer<typeof InhibitRule>;

const IsoTime = z.iso.datetime({ offset: true });

/** A silence: alerts matching every matcher are muted between `startsAt` (default: always) and `endsAt`. */
export const Silence = z
  .object({
    id: z.string().min(1).optional(),
    // Alertmanager refuses a silence whose matchers all match the empty label set: it would mute everything.
    matchers: MatcherList.refine(
      (m) => m.some((x) => !matches({}, x)),
      'at least one matcher must not match an empty label (this silence would mute everything)',
    ),
    startsAt: IsoTime.optional(),
    endsAt: IsoTime,
    comment: z.string().min(1),
    createdBy: z.string().min(1).optional(),
  })
  .strict()
  .refine((s) => s.startsAt === undefined || Date.parse(s.startsAt) < Date.parse(s.endsAt), {
    message: 'endsAt must be after startsAt',
    path: ['endsAt'],
  });
export type Silence = z.infer<typeof Silence>;

/** `default` opts into DEFAULT_INHIBIT_RULES; a list replaces them. */
export const InhibitRules = z.union([
  z.literal('default').transform(() => DEFAULT_INHIBIT_RULES.map((r) => InhibitRule.parse(r))),
  z.array(InhibitRule),
]);

/** Routing as in Alertmanager: one route tree, inhibit rules, silences. Receiver definitions live elsewhere. */
export const RoutingConfig = z
  .object({
    route: RootRoute,
    inhibitRules: InhibitRules.default([]),
    silences: z.array(Silence).default([]),
  })
  .strict();
export type RoutingConfig = z.infer<typeof RoutingConfig>;

/** Every receiver name the routing refers to (receivers and fallbacks), sorted, for config cross-checks. */
export function receiverNames(routing: Pick<RoutingConfig, 'route'>): string[] {
  const names = new Set<string>();
  const visit = (r: { receiver?: string; fallback?: string; routes: RouteConfig[] }): void => {
    if (r.receiver !== undefined) names.add(r.receiver);
    if (r.fallback !== undefined) names.add(r.fallback);
    r.routes.forEach(visit);
  };
  visit(routing.route);
  return [...names].sort();
}

/**
 * The longest a group can hold a batch back: the largest groupWait plus the largest groupInterval anywhere in the
 * tree. An alert's state must outlive it, or a held resolve finds nothing to render.
 */
export function longestHold(routing: Pick<RoutingConfig, 'route'>): number {
  let wait = 0;
  let interval = 0;
  const visit = (r: { groupWait?: number; groupInterval?: number; routes: RouteConfig[] }): void => {
    wait = Math.max(wait, r.groupWait ?? 0);
    interval = Math.max(interval, r.groupInterval ?? 0);
    r.routes.forEach(visit);
  };
  visit(routing.route);
  return wait + interval;
}
