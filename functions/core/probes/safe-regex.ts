/** Longest body-assertion pattern accepted. */
export const MAX_PATTERN_CHARS = 512;

/**
 * Why a body-assertion pattern is refused, or undefined if it is fine. It must compile, and it must not nest
 * unbounded quantifiers (`(a+)+`, `(\w*)*`): the body comes from the network, and such a pattern can backtrack for
 * minutes on a crafted body, stalling every check and scrape in the process. A heuristic, not a proof: it catches
 * the classic star-height shapes, and the body is capped anyway.
 */
export function regexProblem(pattern: string, flags = ''): string | undefined {
  if (pattern.length === 0 || pattern.length > MAX_PATTERN_CHARS) return `a pattern has 1 to ${MAX_PATTERN_CHARS} characters`;
  try {
    new RegExp(pattern, flags);
  } catch {
    return 'the pattern does not compile as a JavaScript regular expression';
  }
  if (hasNestedQuantifier(pattern)) return 'nested quantifiers such as (a+)+ can backtrack catastrophically; rewrite the pattern without them';
  return undefined;
}

const UNBOUNDED_BRACE = /^\{\d+,\d*\}/;

function isQuantifierAt(p: string, i: number): boolean {
  const c = p[i];
  return c === '*' || c === '+' || (c === '{' && UNBOUNDED_BRACE.test(p.slice(i)));
}

function hasNestedQuantifier(p: string): boolean {
  // One flag per open group: does it contain a quantifier?
  const groups: boolean[] = [];
  let inClass = false;
  for (let i = 0; i < p.length; i++) {
    const c = p[i];
    if (c === '\\') {
      i += 1;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') groups.push(false);
    else if (c === ')') {
      const inner = groups.pop() ?? false;
      if (inner && isQuantifierAt(p, i + 1)) return true;
      if (inner && groups.length > 0) groups[groups.length - 1] = true;
    } else if (isQuantifierAt(p, i) && groups.length > 0) groups[groups.length - 1] = true;
  }
  return false;
}
