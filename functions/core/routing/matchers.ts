/** Label set of an alert as routing sees it. A missing label equals "" (Alertmanager semantics). */
export type Labels = Record<string, string>;

/** Alertmanager's four match types. */
export type MatchType = '=' | '!=' | '=~' | '!~';

/**
 * One parsed label matcher. Regex matchers carry their compiled, fully anchored expression so matching
 * never compiles again.
 */
export interface Matcher {
  name: string;
  type: MatchType;
  value: string;
  /** `^(?:value)$`, present for `=~` and `!~` only. */
  regex?: RegExp;
}

/** Longer regexes are rejected: matchers come from config, and a huge pattern is a mistake or an attack. */
export const MAX_REGEX_LENGTH = 1_000;

/** A matcher text that does not parse. `position` is the 1-based character position in `text`. */
export class MatcherParseError extends Error {
  readonly text: string;
  readonly position: number;
  constructor(text: string, position: number, reason: string) {
    super(`invalid matcher ${JSON.stringify(text)} at position ${position}: ${reason}`);
    this.name = 'MatcherParseError';
    this.text = text;
    this.position = position;
  }
}

const NAME_START = /[A-Za-z_:]/;
const NAME_CHAR = /[A-Za-z0-9_:]/;
const WS = /\s/;
// Operators longest first so `=~` is not read as `=` followed by a value starting with `~`.
const OPERATORS: MatchType[] = ['=~', '!=', '!~', '='];

/**
 * Parse one matcher text: `name="v"`, `name!="v"`, `name=~"re"`, `name!~"re"`, unquoted values
 * (`severity=critical`), or a comma-separated list, optionally in braces: `{a="b", c=~"d"}`.
 * Quoted values unescape `\"`, `\\` and `\n`; any other backslash is kept, so `"\d+"` stays a regex.
 * Unquoted values end at `,` and cannot contain quotes or braces (quote them instead).
 */
export function parseMatcherText(text: string): Matcher[] {
  let i = 0;
  let end = text.length;
  const fail: (at: number, reason: string) => never = (at, reason) => {
    throw new MatcherParseError(text, at + 1, reason);
  };
  const skipWs = (): void => {
    while (i < end && WS.test(text[i]!)) i += 1;
  };
  skipWs();
  while (end > i && WS.test(text[end - 1]!)) end -= 1;
  const braced = text[i] === '{';
  if (braced) {
    if (end - i < 2 || text[end - 1] !== '}') fail(end, 'missing closing "}"');
    i += 1;
    end -= 1;
  }
  const out: Matcher[] = [];
  skipWs();
  // `{}` is an empty list; an empty text is more likely a mistake.
  if (i >= end) return braced ? out : fail(i, 'expected a label name');
  while (i < end) {
    const nameStart = i;
    if (!NAME_START.test(text[i]!)) fail(i, 'expected a label name ([A-Za-z_:][A-Za-z0-9_:]*)');
    while (i < end && NAME_CHAR.test(text[i]!)) i += 1;
    const name = text.slice(nameStart, i);
    skipWs();
    const type = OPERATORS.find((op) => text.startsWith(op, i) && i + op.length <= end);
    if (type === undefined) return fail(i, 'expected one of = != =~ !~');
    i += type.length;
    skipWs();
    const valueStart = i;
    let value: string;
    if (text[i] === '"') {
      [value, i] = readQuoted(text, i, end, fail);
    } else {
      while (i < end && text[i] !== ',') {
        if (text[i] === '"' || text[i] === '{' || text[i] === '}') fail(i, `unexpected ${JSON.stringify(text[i])} in an unquoted value (quote the value)`);
        i += 1;
      }
      value = text.slice(valueStart, i).trimEnd();
    }
    out.push(compile(name, type, value, (reason) => fail(valueStart, reason)));
    skipWs();
    if (i >= end) break;
    if (text[i] !== ',') fail(i, 'expected "," between matchers');
    i += 1;
    skipWs(); // a trailing comma is fine, as in Alertmanager
  }
  return out;
}

/** Parse a config list of matcher texts (each may hold one matcher or a list). Throws MatcherParseError. */
export function parseMatchers(list: readonly string[]): Matcher[] {
  return list.flatMap((text) => parseMatcherText(text));
}

/** Build a matcher from parts, compiling and guarding regexes. Throws MatcherParseError on a bad regex. */
export function createMatcher(name: string, type: MatchType, value: string): Matcher {
  const text = formatMatcher({ name, type, value });
  return compile(name, type, value, (reason) => {
    throw new MatcherParseError(text, name.length + type.length + 1, reason);
  });
}

function compile(name: string, type: MatchType, value: string, fail: (reason: string) => never): Matcher {
  if (type === '=' || type === '!=') return { name, type, value };
  if (value.length > MAX_REGEX_LENGTH) fail(`regex longer than ${MAX_REGEX_LENGTH} characters`);
  try {
    // Fully anchored like Alertmanager/Prometheus: `=~"warn"` does not match `warning`.
    return { name, type, value, regex: new RegExp(`^(?:${value})$`) };
  } catch (err) {
    return fail(`invalid regex: ${(err as Error).message}`);
  }
}

function readQuoted(text: string, start: number, end: number, fail: (at: number, reason: string) => never): [string, number] {
  let out = '';
  let i = start + 1;
  while (i < end) {
    const c = text[i]!;
    if (c === '"') return [out, i + 1];
    if (c === '\\' && i + 1 < end) {
      const n = text[i + 1]!;
      // Alertmanager keeps spurious escapes literally, so regex escapes survive quoting.
      out += n === 'n' ? '\n' : n === '"' || n === '\\' ? n : `\\${n}`;
      i += 2;
      continue;
    }
    out += c;
    i += 1;
  }
  return fail(start, 'unterminated quoted value');
}

/** Whether one matcher matches a label set; a missing label is "". */
export function matches(labels: Labels, m: Matcher): boolean {
  const v = Object.hasOwn(labels, m.name) ? (labels[m.name] ?? '') : '';
  switch (m.type) {
    case '=':
      return v === m.value;
    case '!=':
      return v !== m.value;
    case '=~':
      return m.regex!.test(v);
    case '!~':
      return !m.regex!.test(v);
  }
}

/** Whether every matcher matches (an empty list matches everything). */
export function matchesAll(labels: Labels, matchers: readonly Matcher[]): boolean {
  return matchers.every((m) => matches(labels, m));
}

/** Canonical text of a matcher, e.g. `severity=~"warning|info"`; parses back to the same matcher. */
export function formatMatcher(m: Pick<Matcher, 'name' | 'type' | 'value'>): string {
  const quoted = m.value.replace(/[\\"]/g, (c) => `\\${c}`).replace(/\n/g, '\\n');
  return `${m.name}${m.type}"${quoted}"`;
}
