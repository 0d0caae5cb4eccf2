import type { MetricFamily } from './types.ts';

/** JSON has no NaN or infinities; the design's parse output spells them like the exposition does. */
function jsonValue(value: number): number | string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return value;
}

/**
 * The stable JSON shape of `pooler-watch parse` (design.md): every key always present, in this order,
 * `null` for absent help/unit/timestamp. Exemplars are not part of the format and are left out.
 */
export function familiesToJson(families: MetricFamily[]): unknown {
  return families.map((family) => ({
    name: family.name,
    type: family.type,
    help: family.help ?? null,
    unit: family.unit ?? null,
    samples: family.samples.map((sample) => ({
      name: sample.name,
      labels: { ...sample.labels },
      value: jsonValue(sample.value),
      timestamp: sample.timestamp ?? null,
    })),
  }));
}
