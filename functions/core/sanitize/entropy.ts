import { REDACTED } from './marker.ts';

/** Shannon entropy of `s` in bits per character (0 for the empty string). */
export function shannonEntropy(s: string): number {
  if (s.length === 0) return 0;
  const counts = new Map<number, number>();
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    counts.set(c, (counts.get(c) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / s.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** Minimum length and entropy of a run worth redacting without any other clue. */
export const HIGH_ENTROPY_MIN_LENGTH = 32;
export const HIGH_ENTROPY_MIN_BITS = 4.0;

/**
 * A maximal run of base64/base64url/token characters, at least 32 long. The lookbehind makes each run a single
 * attempt (a start inside a run fails at once), so the scan is linear.
 */
export const HIGH_ENTROPY_RUN = /(?<![A-Za-z0-9+/_=-])[A-Za-z0-9+/_=-]{32,}/g;

// Fingerprints, commits and digests (md5, sha1, sha256 hex) are identities, not credentials.
const LOWER_HEX_DIGEST = /^(?:[0-9a-f]{16}|[0-9a-f]{32}|[0-9a-f]{40}|[0-9a-f]{64})$/;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
// Metric and label names (snake_case, lowercase): `container_memory_working_set_bytes`.
const SNAKE_CASE = /^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$/;
const SEPARATORS = /[-_/+=]/;

function longestSegment(s: string): number {
  let longest = 0;
  for (const part of s.split(SEPARATORS)) longest = Math.max(longest, part.length);
  return longest;
}

/** Counts of ASCII upper, lower and digit characters, in one pass. */
function classCounts(s: string): { upper: number; lower: number; digits: number } {
  let upper = 0;
  let lower = 0;
  let digits = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) upper++;
    else if (c >= 97 && c <= 122) lower++;
    else if (c >= 48 && c <= 57) digits++;
  }
  return { upper, lower, digits };
}

/**
 * Does this run look like a random credential rather than an operational identifier? Requires ≥ 32 chars,
 * ≥ 4.0 bits/char and mixed character classes, and rules out what operators read every day:
 * - lowercase hex of digest length (fingerprints, commit ids, sha256), UUIDs, snake_case metric names;
 * - lowercase-and-digit names built from short separated segments (pod names, DNS names, URL paths):
 *   without uppercase, the run needs one unbroken segment of ≥ 24 chars;
 * - CamelCase words: without digits, both cases must each be ≥ 20% of the run (random text is ~50/50).
 */
export function looksHighEntropy(run: string): boolean {
  if (run.length < HIGH_ENTROPY_MIN_LENGTH) return false;
  if (LOWER_HEX_DIGEST.test(run) || UUID.test(run) || SNAKE_CASE.test(run)) return false;
  const { upper, lower, digits } = classCounts(run);
  const classes = (upper > 0 ? 1 : 0) + (lower > 0 ? 1 : 0) + (digits > 0 ? 1 : 0);
  if (classes < 2) return false;
  if (upper === 0 && longestSegment(run) < 24) return false;
  if (digits === 0 && (upper < run.length * 0.2 || lower < run.length * 0.2)) return false;
  return shannonEntropy(run) >= HIGH_ENTROPY_MIN_BITS;
}

// Splitting on every `/` and `=` (not just some) keeps segments independent of their neighbours, which is what
// makes the result below a fixpoint.
const SEGMENT_SEPARATOR = /([/=])/;

/**
 * A URL path component, not a fragment of base64: lowercase words, numbers, kebab- or snake_case (`v1`, `files`,
 * `codex-pooler-app-0`), one capitalized word (`Users`), or nothing (`//`, a leading `/`).
 */
const PATH_WORD = /^(?:[a-z0-9_+-]*|[A-Z][a-z]{2,})$/;

/**
 * A unit ends after a run of `=` that is followed by more text: `KEY=value` is two units (`KEY=`, `value`), while
 * base64 padding (`abc==`, at the end) stays with its value. Decided by the characters around each `=` only.
 */
const UNIT_BOUNDARY = /(?<==)(?=[^=])/;

/**
 * Step 1: segments (between `/` and `=`) judged alone, so a URL path with one token in it loses that token only.
 * A hit spreads across `/` to neighbouring segments that are not path words: the rest of a base64 value that
 * happens to contain `/` (`…Tq/zBm6Kc1…`). Consecutive redacted segments joined by `/` become one marker.
 */
function redactSegments(run: string): string {
  const parts = run.split(SEGMENT_SEPARATOR);
  const segments = parts.filter((_, i) => i % 2 === 0);
  const slashAfter = (i: number): boolean => parts[2 * i + 1] === '/';
  const hit = segments.map((s) => looksHighEntropy(s));
  if (!hit.includes(true)) return run;
  const spreads = (i: number): boolean => !PATH_WORD.test(segments[i]!);
  for (let i = 1; i < segments.length; i++) if (!hit[i] && hit[i - 1] && slashAfter(i - 1) && spreads(i)) hit[i] = true;
  for (let i = segments.length - 2; i >= 0; i--) if (!hit[i] && hit[i + 1] && slashAfter(i) && spreads(i)) hit[i] = true;
  let out = '';
  for (let i = 0; i < segments.length; i++) {
    const joined = i > 0 && hit[i] && hit[i - 1] && slashAfter(i - 1);
    if (i > 0 && !joined) out += parts[2 * i - 1];
    if (!hit[i]) out += segments[i];
    else if (!joined) out += REDACTED;
  }
  return out;
}

/**
 * One run. Step 1 ({@link redactSegments}); step 2: what is left between the markers (the whole run after no hit)
 * is judged unit by unit, a unit being a `KEY=` or a whole value with its `/` and padding, so a base64 value cut
 * into short segments by `/` is still judged as one (`SECRET_KEY_BASE=…`, `AWS_SECRET_ACCESS_KEY=…`). A second call
 * finds the same segments (none a hit) and the same units (all already judged), so `text(text(x)) === text(x)`.
 */
function redactRun(run: string): string {
  if (!SEGMENT_SEPARATOR.test(run)) return looksHighEntropy(run) ? REDACTED : run;
  return redactSegments(run)
    .split(REDACTED)
    .map((piece) => (piece.length < HIGH_ENTROPY_MIN_LENGTH ? piece : redactUnits(piece)))
    .join(REDACTED);
}

function redactUnits(piece: string): string {
  return piece
    .split(UNIT_BOUNDARY)
    .map((unit) => (looksHighEntropy(unit) ? REDACTED : unit))
    .join('');
}

/** Replace high-entropy runs of token characters (see {@link looksHighEntropy}). */
export function redactHighEntropy(text: string): string {
  return text.replace(HIGH_ENTROPY_RUN, redactRun);
}
