import * as z from 'zod';

/** A value that JSON cannot hold as a number (NaN, ±Inf) travels as a string. */
const JsonNumber = z.union([z.number(), z.enum(['NaN', '+Inf', '-Inf'])]);

export const SeriesDump = z.object({
  name: z.string(),
  labels: z.record(z.string(), z.string()),
  /** Finite points, oldest first: [t ms, value]. */
  points: z.array(z.tuple([z.number(), z.number()])),
  last: z.tuple([z.number(), JsonNumber]),
});
export type SeriesDump = z.infer<typeof SeriesDump>;

export const PodDump = z.object({
  pod: z.string(),
  kind: z.enum(['metrics', 'federate']),
  firstSeen: z.number(),
  lastSeen: z.number(),
  lastResetAt: z.number().optional(),
  target: z.string().optional(),
  series: z.array(SeriesDump),
});
export type PodDump = z.infer<typeof PodDump>;

/** A History as plain JSON, so a StateStore (file, DynamoDB) can keep it between runs. */
export const HistoryDump = z.object({
  version: z.literal(1),
  pods: z.array(PodDump),
});
export type HistoryDump = z.infer<typeof HistoryDump>;

export function toJsonNumber(v: number): number | 'NaN' | '+Inf' | '-Inf' {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return v;
}

export function fromJsonNumber(v: number | 'NaN' | '+Inf' | '-Inf'): number {
  if (v === 'NaN') return NaN;
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return v;
}
