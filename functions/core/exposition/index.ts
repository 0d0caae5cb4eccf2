export { parseExposition } from './parse.ts';
export { serializeExposition } from './serialize.ts';
export { ACCEPT_HEADER, formatFromContentType } from './content-type.ts';
export { familiesToJson } from './to-json.ts';
export { ParseError } from './types.ts';
export type { Exemplar, ExpositionFormat, MetricFamily, MetricType, Sample } from './types.ts';
