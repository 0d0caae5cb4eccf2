import type { Cursor } from './cursor.ts';
import { fail } from './cursor.ts';
import type { MetricFamily, MetricType } from './types.ts';

/**
 * What a sample is within its family; decides which labels it needs and whether it may carry an exemplar.
 * Plain numbers rather than an enum so the hot path compares small integers and the code stays erasable TS.
 */
export const Role = {
  Plain: 0,
  /** Histogram `_bucket`: needs a numeric `le`; may carry an exemplar. */
  Bucket: 1,
  /** Summary sample named like the family: needs a numeric `quantile`. */
  Quantile: 2,
  /** OpenMetrics counter `_total`: may carry an exemplar. */
  Total: 3,
} as const;

/** A family plus what has been declared for it, for the duplicate and ordering rules. */
export interface FamilyState {
  family: MetricFamily;
  typed: boolean;
  hasHelp: boolean;
  hasUnit: boolean;
  sampled: boolean;
}

const SUFFIXES = ['_total', '_created', '_bucket', '_count', '_sum', '_gcount', '_gsum', '_info'];

/**
 * Role of sample `name` in a family of `type` named `family`, or -1 when the family does not own it.
 * Text counters own only their exact name; OpenMetrics counters own `_total` and `_created`.
 */
export function roleIn(type: MetricType, family: string, name: string, om: boolean): number {
  if (name.length === family.length) {
    if (name !== family) return -1;
    if (type === 'summary') return Role.Quantile;
    if (type === 'histogram' || type === 'gaugehistogram' || type === 'info' || (om && type === 'counter')) return -1;
    return Role.Plain;
  }
  if (!name.startsWith(family)) return -1;
  const suffix = name.slice(family.length);
  switch (type) {
    case 'counter':
      return om && suffix === '_total' ? Role.Total : om && suffix === '_created' ? Role.Plain : -1;
    case 'histogram':
      return suffix === '_bucket' ? Role.Bucket : suffix === '_count' || suffix === '_sum' || suffix === '_created' ? Role.Plain : -1;
    case 'gaugehistogram':
      return suffix === '_bucket' ? Role.Bucket : suffix === '_gcount' || suffix === '_gsum' ? Role.Plain : -1;
    case 'summary':
      return suffix === '_count' || suffix === '_sum' || suffix === '_created' ? Role.Plain : -1;
    case 'info':
      return suffix === '_info' ? Role.Plain : -1;
    default:
      return -1;
  }
}

/**
 * The families of one exposition, in order of first appearance, with the rules that tie samples and
 * metadata to them. Text merges a family's samples wherever they appear (like expfmt); OpenMetrics
 * requires each family to be contiguous, so only the `current` family may grow.
 */
export class FamilyTable {
  readonly families: MetricFamily[] = [];
  /** Role of the sample last passed to `resolveSample`. */
  role: number = Role.Plain;
  private readonly byName = new Map<string, FamilyState>();
  private current: FamilyState | undefined;

  constructor(
    private readonly cursor: Cursor,
    private readonly om: boolean,
  ) {}

  /** Family owning sample `name` (creating an untyped/unknown one when none does); sets `role`. */
  resolveSample(name: string, pos: number): FamilyState {
    const current = this.current;
    if (current !== undefined) {
      const role = roleIn(current.family.type, current.family.name, name, this.om);
      if (role >= 0) return this.use(current, role);
    }
    const owner = this.findOwner(name);
    if (owner !== undefined) {
      if (this.om) fail(this.cursor, pos, `samples of family "${owner.family.name}" are not contiguous (interleaved families)`);
      return this.use(owner, this.role);
    }
    const exact = this.byName.get(name);
    if (exact !== undefined) fail(this.cursor, pos, `sample name "${name}" is not valid for ${exact.family.type} family "${name}"`);
    return this.use(this.create(name, this.om ? 'unknown' : 'untyped'), Role.Plain);
  }

  /** Family a metadata line (`HELP`, `TYPE`, `UNIT`) names, created when new. */
  resolveMetadata(name: string, pos: number): FamilyState {
    if (this.om) {
      const current = this.current;
      if (current !== undefined && current.family.name === name) return current;
      if (this.byName.has(name) || this.findOwner(name) !== undefined) {
        fail(this.cursor, pos, `metadata for family "${name}" after its samples or another family's (interleaved families)`);
      }
      return (this.current = this.create(name, 'unknown'));
    }
    return this.byName.get(name) ?? this.create(name, 'untyped');
  }

  private use(state: FamilyState, role: number): FamilyState {
    this.role = role;
    state.sampled = true;
    this.current = state;
    return state;
  }

  private findOwner(name: string): FamilyState | undefined {
    const exact = this.byName.get(name);
    if (exact !== undefined) {
      const role = roleIn(exact.family.type, name, name, this.om);
      if (role >= 0) {
        this.role = role;
        return exact;
      }
    }
    for (const suffix of SUFFIXES) {
      if (name.length > suffix.length && name.endsWith(suffix)) {
        const base = this.byName.get(name.slice(0, name.length - suffix.length));
        if (base === undefined) continue;
        const role = roleIn(base.family.type, base.family.name, name, this.om);
        if (role >= 0) {
          this.role = role;
          return base;
        }
      }
    }
    return undefined;
  }

  private create(name: string, type: MetricType): FamilyState {
    const family: MetricFamily = { name, type, samples: [] };
    const state: FamilyState = { family, typed: false, hasHelp: false, hasUnit: false, sampled: false };
    this.byName.set(name, state);
    this.families.push(family);
    return state;
  }
}
