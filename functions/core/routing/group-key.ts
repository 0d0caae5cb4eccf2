import { formatMatcher } from './matchers.ts';
import type { Labels } from './matchers.ts';
import type { MatchedRoute } from './route.ts';

/**
 * Group key: the route path plus the values of the `groupBy` labels, e.g. `0.1:{pod="app-0"}`
 * (`groupBy: ['...']` takes all labels). `status` never counts: it is the alert's lifecycle, not its identity,
 * and a resolve must land in the group that holds the firing alert. Labels an alert lacks are left out.
 */
export function groupKeyFor(route: Pick<MatchedRoute, 'path' | 'groupBy'>, labels: Labels): string {
  const names = route.groupBy.includes('...') ? Object.keys(labels) : route.groupBy;
  const pairs = [...new Set(names)]
    .filter((n) => n !== 'status' && Object.hasOwn(labels, n))
    .sort()
    .map((name) => formatMatcher({ name, type: '=', value: labels[name] ?? '' }));
  return `${route.path}:{${pairs.join(',')}}`;
}
