import type { BodyAssertion } from '../../config/checks.ts';
import { lookupJsonPath, parseJsonPath } from './json-path.ts';
import type { HttpReason } from './http-check-types.ts';

/**
 * Every assertion that does not hold, as reasons that name the assertion (its index, kind, JSON path) and never
 * quote the body: a health payload can carry tokens or customer data. JSON is parsed at most once.
 */
export function failedAssertions(assertions: readonly BodyAssertion[], body: string, truncated: boolean): HttpReason[] {
  const out: HttpReason[] = [];
  let json: { ok: true; value: unknown } | { ok: false } | undefined;
  const parsed = () => (json ??= parseJson(body));
  assertions.forEach((a, i) => {
    const label = `expectBody[${i}]`;
    if (a.type === 'contains') {
      if (!body.includes(a.value)) out.push({ code: 'body', text: `${label} contains: text not found${truncatedNote(truncated)}` });
      return;
    }
    if (a.type === 'regex') {
      if (!new RegExp(a.pattern, a.flags).test(body)) out.push({ code: 'body', text: `${label} regex: no match${truncatedNote(truncated)}` });
      return;
    }
    const path = parseJsonPath(a.path);
    const doc = parsed();
    if (!path.ok || !doc.ok) {
      out.push({ code: 'body', text: `${label} jsonPath ${a.path}: the body is not JSON${truncatedNote(truncated)}` });
      return;
    }
    const hit = lookupJsonPath(doc.value, path.segments);
    if (a.exists !== undefined) {
      if (hit.found !== a.exists) out.push({ code: 'body', text: `${label} jsonPath ${a.path}: ${a.exists ? 'missing' : 'present but expected absent'}` });
      return;
    }
    if (!hit.found) out.push({ code: 'body', text: `${label} jsonPath ${a.path}: missing` });
    else if (hit.value !== a.equals) out.push({ code: 'body', text: `${label} jsonPath ${a.path}: not equal to ${JSON.stringify(a.equals)} (got a ${kindOf(hit.value)})` });
  });
  return out;
}

function parseJson(body: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(body) as unknown };
  } catch {
    return { ok: false };
  }
}

// The type of the value found, never the value: it comes from the body.
function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function truncatedNote(truncated: boolean): string {
  return truncated ? ' (body truncated at maxBodyBytes)' : '';
}
