import { matchesAll } from './matchers.ts';
import type { Labels } from './matchers.ts';
import type { RootRoute, RouteConfig } from './schema.ts';

/** Where an alert goes, with every inherited setting resolved. */
export interface MatchedRoute {
  receiver: string;
  /** Receiver to try when `receiver` fails after its retries; never equal to `receiver`. */
  fallback?: string;
  groupBy: string[];
  groupWait: number;
  groupInterval: number;
  repeatInterval: number;
  /** Stable id of the route in the tree: `0` is the root, `0.1` its second child. Part of group keys. */
  path: string;
}

type Resolved = Omit<MatchedRoute, 'path' | 'fallback'> & { fallback: string | undefined };

/**
 * Routes an alert goes to, Alertmanager's algorithm: depth-first, the deepest matching route wins; after a
 * child matched, later siblings are tried only if that child has `continue: true`; a route none of whose
 * children match is itself the result. The root matches everything, so there is always at least one result.
 */
export function matchRoutes(labels: Labels, route: RootRoute): MatchedRoute[] {
  const root: Resolved = {
    receiver: route.receiver,
    fallback: route.fallback,
    groupBy: route.groupBy,
    groupWait: route.groupWait,
    groupInterval: route.groupInterval,
    repeatInterval: route.repeatInterval,
  };
  return walkChildren(labels, route.routes, root, '0') ?? [toMatched(root, '0')];
}

function walkChildren(labels: Labels, children: RouteConfig[], parent: Resolved, path: string): MatchedRoute[] | undefined {
  const all: MatchedRoute[] = [];
  for (const [i, child] of children.entries()) {
    const found = visit(labels, child, parent, `${path}.${i}`);
    if (found === undefined) continue;
    all.push(...found);
    if (!child.continue) break;
  }
  return all.length > 0 ? all : undefined;
}

function visit(labels: Labels, route: RouteConfig, parent: Resolved, path: string): MatchedRoute[] | undefined {
  if (!matchesAll(labels, route.matchers)) return undefined;
  const self: Resolved = {
    receiver: route.receiver ?? parent.receiver,
    fallback: route.fallback ?? parent.fallback,
    groupBy: route.groupBy ?? parent.groupBy,
    groupWait: route.groupWait ?? parent.groupWait,
    groupInterval: route.groupInterval ?? parent.groupInterval,
    repeatInterval: route.repeatInterval ?? parent.repeatInterval,
  };
  return walkChildren(labels, route.routes, self, path) ?? [toMatched(self, path)];
}

function toMatched(r: Resolved, path: string): MatchedRoute {
  const { fallback, ...rest } = r;
  // Falling back to the receiver that just failed would only retry it; drop such a fallback.
  return fallback === undefined || fallback === r.receiver ? { ...rest, path } : { ...rest, fallback, path };
}
