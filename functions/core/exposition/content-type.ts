import type { ExpositionFormat } from './types.ts';

/**
 * What to ask a /metrics or /federate endpoint for: OpenMetrics 1.0.0 first, then the text format
 * 0.0.4, then anything (so a misconfigured endpoint still answers and we can report what it sent),
 * with q-values the way Prometheus negotiates.
 */
export const ACCEPT_HEADER =
  'application/openmetrics-text;version=1.0.0;q=0.9,application/openmetrics-text;version=0.0.1;q=0.8,text/plain;version=0.0.4;q=0.5,*/*;q=0.1';

/**
 * Exposition format of a response from its Content-Type. A missing header is taken as text, like
 * Prometheus does; `undefined` means "not an exposition" (HTML login page, JSON error …).
 */
export function formatFromContentType(contentType: string | undefined): ExpositionFormat | undefined {
  if (contentType === undefined) return 'text';
  const semicolon = contentType.indexOf(';');
  const mediaType = (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
  if (mediaType === '') return 'text';
  if (mediaType === 'application/openmetrics-text') return 'openmetrics';
  if (mediaType === 'text/plain') return 'text';
  return undefined;
}
