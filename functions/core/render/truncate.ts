/** The one truncation helper every channel uses, so vendor limits are enforced the same way everywhere. */

const ELLIPSIS = '…';

/** A vendor limit: how many of what, and where the vendor documents it. */
export interface Limit {
  max: number;
  unit: 'chars' | 'bytes';
  /** Link to the vendor's documentation of this limit. */
  doc: string;
}

const encoder = new TextEncoder();

function byteLength(text: string): number {
  return encoder.encode(text).length;
}

/**
 * Cuts `text` to fit `limit`, ending with `…` when cut. Never splits a surrogate pair; for byte limits, never
 * splits a UTF-8 sequence. Text that fits is returned unchanged.
 */
export function truncate(text: string, limit: Limit | number): string {
  const { max, unit } = typeof limit === 'number' ? { max: limit, unit: 'chars' as const } : limit;
  if (max <= 0) return '';
  if (unit === 'chars') {
    // UTF-16 length bounds the code-point count from above: text this short fits without splitting it.
    if (text.length <= max) return text;
    const chars = Array.from(text);
    if (chars.length <= max) return text;
    return chars.slice(0, Math.max(0, max - 1)).join('') + (max >= 1 ? ELLIPSIS : '');
  }
  // A UTF-16 unit is at most 3 UTF-8 bytes: text this short fits without encoding it.
  if (text.length * 3 <= max || byteLength(text) <= max) return text;
  const room = max - byteLength(ELLIPSIS);
  if (room <= 0) return '';
  let out = '';
  let used = 0;
  for (const ch of text) {
    const size = byteLength(ch);
    if (used + size > room) break;
    out += ch;
    used += size;
  }
  return out + ELLIPSIS;
}

/** Keeps at most `max` items, replacing the rest with one summary item (e.g. "…and 7 more"). */
export function truncateList<T>(items: T[], max: number, more: (hidden: number) => T): T[] {
  if (items.length <= max) return items;
  if (max <= 0) return [];
  return [...items.slice(0, max - 1), more(items.length - max + 1)];
}
