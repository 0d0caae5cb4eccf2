import { REDACTED } from './marker.ts';

/** Secrets shorter than this are not redacted at all (a 3-char "secret" would shred ordinary text). */
export const DEFAULT_MIN_SECRET_LENGTH = 4;
/** Secrets shorter than this are redacted literally only: their encoded forms are too short to be safe to match. */
export const MIN_ENCODED_SECRET_LENGTH = 6;

function attempt(add: (form: string) => void, make: () => string): void {
  try {
    add(make());
  } catch {
    // encodeURIComponent throws on lone surrogates: that form simply cannot occur in text.
  }
}

/**
 * The forms a secret takes on its way out: raw and trimmed; and, for secrets of 6+ chars, URL-encoded
 * (`encodeURIComponent`, lowercase-hex and form-encoded variants), JSON-escaped, Prometheus-label-escaped,
 * base64 (padded and not) and base64url.
 */
export function secretForms(secret: string, minLength = DEFAULT_MIN_SECRET_LENGTH): string[] {
  const forms = new Set<string>();
  const add = (form: string): void => {
    if (form.length >= minLength) forms.add(form);
  };
  const bases = new Set([secret, secret.trim()]);
  for (const base of bases) {
    add(base);
    if (base.length < MIN_ENCODED_SECRET_LENGTH) continue;
    attempt(add, () => encodeURIComponent(base));
    attempt(add, () => encodeURIComponent(base).replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
    attempt(add, () => new URLSearchParams({ v: base }).toString().slice(2));
    add(JSON.stringify(base).slice(1, -1));
    add(base.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n'));
    const b64 = Buffer.from(base, 'utf8').toString('base64');
    add(b64);
    add(b64.replace(/=+$/, ''));
    add(Buffer.from(base, 'utf8').toString('base64url'));
  }
  return [...forms];
}

/** Every form of every secret, deduplicated, longest first (so a secret containing another goes whole). */
export function literalForms(secrets: readonly string[], minLength = DEFAULT_MIN_SECRET_LENGTH): readonly string[] {
  const all = new Set<string>();
  for (const secret of secrets) for (const form of secretForms(secret, minLength)) all.add(form);
  return [...all].sort((a, b) => b.length - a.length);
}

/** Replace every occurrence of every form with the marker. */
export function redactLiterals(text: string, forms: readonly string[]): string {
  let out = text;
  for (const form of forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
  return out;
}
