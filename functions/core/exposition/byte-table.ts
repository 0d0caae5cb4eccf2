import { detach, internalize } from './string-table.ts';

/**
 * Byte-level helpers for the fast path: equality of two ranges of the same buffer, 8 bytes at a time
 * through a `DataView` (TurboFan turns each read into one unaligned load), and interning of byte ranges
 * into strings. Only for ASCII input: byte offsets then equal string offsets, so a string is simply
 * `text.slice(start, end)`, and the 8-byte compare below is exact.
 */
export class ByteText {
  readonly bytes: Uint8Array;
  readonly length: number;
  private readonly view: DataView;

  constructor(
    readonly text: string,
    bytes: Uint8Array,
  ) {
    this.bytes = bytes;
    this.length = bytes.length;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  /**
   * Whether `bytes[a, a + length)` equals `bytes[b, b + length)`; false when either runs past the end.
   * Compares 8 bytes per step as float64: for ASCII bytes (< 0x80) the sign bit is clear and the
   * exponent can never be all ones, so neither -0 nor NaN can occur and float equality is bit equality.
   */
  equal(a: number, b: number, length: number): boolean {
    if (a + length > this.length || b + length > this.length) return false;
    const view = this.view;
    let i = 0;
    for (; i + 8 <= length; i += 8) {
      if (view.getFloat64(a + i, true) !== view.getFloat64(b + i, true)) return false;
    }
    if (i + 4 <= length) {
      if (view.getUint32(a + i, true) !== view.getUint32(b + i, true)) return false;
      i += 4;
    }
    const bytes = this.bytes;
    for (; i < length; i++) {
      if (bytes[a + i] !== bytes[b + i]) return false;
    }
    return true;
  }
}

/**
 * Direct-mapped, lossy intern table keyed by byte ranges: each slot remembers where its string first
 * occurred, so a lookup verifies with `ByteText.equal` instead of building a string. A collision just
 * replaces the slot (no chains, no degradation on hostile input).
 */
export class ByteTable {
  private readonly strings: string[];
  private readonly starts: Int32Array;
  private readonly lengths: Int32Array;
  private readonly mask: number;

  /** `keys`: the strings become property keys, so intern them in V8 (see `internalize`). */
  constructor(
    private readonly source: ByteText,
    bits: number,
    private readonly keys: boolean,
  ) {
    this.strings = new Array<string>(1 << bits).fill('');
    this.starts = new Int32Array(1 << bits);
    this.lengths = new Int32Array(1 << bits).fill(-1);
    this.mask = (1 << bits) - 1;
  }

  intern(start: number, end: number, hash: number): string {
    const slot = (hash ^ (hash >>> 15)) & this.mask;
    const length = end - start;
    if (this.lengths[slot] === length && this.source.equal(start, this.starts[slot]!, length)) return this.strings[slot]!;
    const slice = this.source.text.slice(start, end);
    const fresh = this.keys ? internalize(slice) : detach(slice);
    this.strings[slot] = fresh;
    this.starts[slot] = start;
    this.lengths[slot] = length;
    return fresh;
  }
}
