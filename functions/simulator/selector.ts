/**
 * A small, hand-written parser for the series selectors of Prometheus' `match[]`:
 * `name`, `{label="v"}`, `name{l="v",l2=~"re",l3!="x",l4!~"re"}`. Regexes are fully anchored like PromQL's.
 */

export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One label matcher; `regex` is the compiled, anchored pattern for `=~` / `!~`. */
export interface LabelMatcher {
  name: string;
  op: MatchOp;
  value: string;
  regex?: RegExp;
}

/** A malformed selector: the server answers 400 with this message. */
export class SelectorError extends Error {
  override readonly name = 'SelectorError';
}

const MAX_SELECTOR_LENGTH = 4_096;
const METRIC_NAME = /[a-zA-Z_:][a-zA-Z0-9_:]*/y;
const LABEL_NAME = /[a-zA-Z_][a-zA-Z0-9_]*/y;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'" };

/** Parses one selector into matchers (the metric name becomes `__name__="…"`). Throws SelectorError. */
export function parseSelector(input: string): LabelMatcher[] {
  if (input.length > MAX_SELECTOR_LENGTH) throw new SelectorError('selector too long');
  let pos = 0;
  const fail = (msg: string): never => {
    throw new SelectorError(`parse error at char ${pos + 1}: ${msg}`);
  };
  const skipSpace = (): void => {
    while (pos < input.length && /\s/.test(input[pos]!)) pos++;
  };
  const take = (re: RegExp): string | undefined => {
    re.lastIndex = pos;
    const m = re.exec(input);
    if (!m) return undefined;
    pos += m[0].length;
    return m[0];
  };
  const readString = (): string => {
    const quote = input[pos];
    if (quote !== '"' && quote !== "'" && quote !== '`') return fail('expected a quoted string');
    pos++;
    let out = '';
    while (pos < input.length && input[pos] !== quote) {
      const ch = input[pos]!;
      if (ch === '\\' && quote !== '`') {
        const esc = ESCAPES[input[pos + 1] ?? ''];
        if (esc === undefined) return fail('unknown escape sequence');
        out += esc;
        pos += 2;
      } else {
        if (ch === '\n' && quote !== '`') return fail('unterminated string');
        out += ch;
        pos++;
      }
    }
    if (pos >= input.length) return fail('unterminated string');
    pos++;
    return out;
  };

  const matchers: LabelMatcher[] = [];
  skipSpace();
  const metric = take(METRIC_NAME);
  if (metric !== undefined) matchers.push({ name: '__name__', op: '=', value: metric });
  skipSpace();
  if (input[pos] === '{') {
    pos++;
    skipSpace();
    while (input[pos] !== '}') {
      const name = take(LABEL_NAME) ?? fail('expected a label name');
      skipSpace();
      const op = (['=~', '!~', '!=', '='] as const).find((o) => input.startsWith(o, pos)) ?? fail('expected =, !=, =~ or !~');
      pos += op.length;
      skipSpace();
      const value = readString();
      if (name === '__name__' && metric !== undefined) fail('metric name must not be set twice');
      matchers.push(compile(name, op, value));
      skipSpace();
      if (input[pos] === ',') {
        pos++;
        skipSpace();
      } else if (input[pos] !== '}') {
        fail("expected ',' or '}'");
      }
    }
    pos++;
    skipSpace();
  }
  if (pos < input.length) fail('unexpected character');
  if (matchers.length === 0) fail('empty selector');
  // Prometheus refuses selectors that would match every series.
  if (matchers.every((m) => matches(m, ''))) {
    throw new SelectorError('vector selector must contain at least one non-empty matcher');
  }
  return matchers;
}

function compile(name: string, op: MatchOp, value: string): LabelMatcher {
  if (op === '=' || op === '!=') return { name, op, value };
  try {
    // 's': in PromQL `.` matches newlines too.
    return { name, op, value, regex: new RegExp(`^(?:${value})$`, 's') };
  } catch {
    throw new SelectorError(`invalid regular expression in matcher for ${name}`);
  }
}

function matches(m: LabelMatcher, actual: string): boolean {
  switch (m.op) {
    case '=':
      return actual === m.value;
    case '!=':
      return actual !== m.value;
    case '=~':
      return m.regex!.test(actual);
    case '!~':
      return !m.regex!.test(actual);
  }
}

/** True when a series (name plus labels; a missing label counts as "") satisfies every matcher. */
export function selectorMatches(matchers: readonly LabelMatcher[], name: string, labels: Record<string, string>): boolean {
  return matchers.every((m) => {
    if (m.name === '__name__') return matches(m, name);
    // hasOwn: a label called "constructor" must not find Object.prototype's.
    return matches(m, Object.hasOwn(labels, m.name) ? labels[m.name]! : '');
  });
}
