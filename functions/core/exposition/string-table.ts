/**
 * Per-parse string interning. Exposition bodies repeat the same label names and values (job,
 * namespace, pod, le …) tens of thousands of times; handing out one shared string per distinct value
 * instead of one slice per occurrence is what makes the parser fast (retained small objects dominate
 * the cost through GC) and keeps parsed snapshots small in memory.
 *
 * Direct-mapped and lossy: a collision just replaces the slot, so lookups are O(length) with no chains
 * and hostile input cannot make it degrade.
 */
export class StringTable {
  private readonly slots: string[];
  private readonly mask: number;

  constructor(bits: number) {
    this.slots = new Array<string>(1 << bits).fill('');
    this.mask = (1 << bits) - 1;
  }

  /** The string `text[start, end)`; `hash` is any hash of it (see `hashStep`). */
  intern(text: string, start: number, end: number, hash: number): string {
    const i = (hash ^ (hash >>> 15)) & this.mask;
    const held = this.slots[i]!;
    if (held.length === end - start && text.startsWith(held, start)) return held;
    const fresh = internalize(text.slice(start, end));
    this.slots[i] = fresh;
    return fresh;
  }
}

/** One step of the rolling hash the scanners compute while they walk a token. */
export function hashStep(hash: number, c: number): number {
  return (Math.imul(hash, 31) + c) | 0;
}

/**
 * V8's internalized (unique, flat) copy of `s`, obtained through a property key. Three wins for one
 * allocation per distinct string: `labels[name] = value` with an internalized key skips a string-table
 * lookup on every store; `startsWith` against a flat pattern takes the fast path; and unlike a slice,
 * it does not keep the whole scrape body alive while a parsed label value is kept.
 */
export function internalize(s: string): string {
  return Object.keys({ [s]: 0 })[0] ?? s;
}

/**
 * A flat copy of `s` that does not keep a parent string alive: V8 represents a slice of a long string
 * as a view into it, so one kept label value would pin a whole scrape body. Slicing a fresh
 * concatenation flattens it into a new string of `s`'s size first. Cheaper than `internalize` for
 * strings that are never property keys.
 */
export function detach(s: string): string {
  return s.length < 13 ? s : (' ' + s).slice(1);
}
