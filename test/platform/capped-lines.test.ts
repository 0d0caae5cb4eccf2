import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forEachCappedLine, type CappedLine } from '../../functions/platform/capped-lines.ts';

async function* chunks(parts: Array<string | Buffer>): AsyncGenerator<Buffer | string> {
  for (const p of parts) yield p;
}

async function collect(parts: Array<string | Buffer>, maxLineBytes = 16, maxTotalBytes = 1e9) {
  const lines: CappedLine[] = [];
  const result = await forEachCappedLine(chunks(parts), { maxLineBytes, maxTotalBytes }, (l) => {
    lines.push(l);
  });
  return { lines, result };
}

describe('forEachCappedLine', () => {
  it('splits across chunk boundaries, keeps a last line without newline, reports long lines without their bytes', async () => {
    const { lines, result } = await collect(['ab', 'c\nde', 'f\n', 'x'.repeat(40), 'y'.repeat(40), '\n\nlast']);
    expect(lines).toEqual([
      { lineNo: 1, text: 'abc' },
      { lineNo: 2, text: 'def' },
      { lineNo: 3, tooLong: true },
      { lineNo: 4, text: '' },
      { lineNo: 5, text: 'last' },
    ]);
    expect(result).toEqual({ bytes: 94, truncated: false });
  });

  it('stops at the total cap and does not report the line cut in half', async () => {
    const { lines, result } = await collect(['one\ntwo\nthree\n'], 16, 10);
    expect(lines).toEqual([
      { lineNo: 1, text: 'one' },
      { lineNo: 2, text: 'two' },
    ]);
    expect(result).toEqual({ bytes: 10, truncated: true });
  });

  it('decodes a multi-byte character split between chunks; invalid UTF-8 becomes U+FFFD', async () => {
    const euro = Buffer.from('€\n');
    const { lines } = await collect([euro.subarray(0, 1), euro.subarray(1), Buffer.from([0xff, 0x0a])]);
    expect(lines).toEqual([
      { lineNo: 1, text: '€' },
      { lineNo: 2, text: '\ufffd' },
    ]);
  });

  it('any chunking of any text gives the lines of split("\\n")', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.string({ maxLength: 12 }), { maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 10 }), async (rows, sizes) => {
        const text = rows.join('\n');
        const parts: string[] = [];
        for (let i = 0, k = 0; i < text.length; k++) {
          const n = sizes[k % sizes.length]!;
          parts.push(text.slice(i, i + n));
          i += n;
        }
        const { lines } = await collect(parts, 1e6);
        const expected = text === '' ? [] : text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
        expect(lines.map((l) => ('text' in l ? l.text : null))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
