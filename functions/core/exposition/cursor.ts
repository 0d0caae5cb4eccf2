import { ParseError } from './types.ts';

/**
 * Where the scanner is: the input, the 1-based line number and the offset where that line starts.
 * Shared by the line scanners so every error can name its line and column without tracking them per character.
 */
export interface Cursor {
  readonly text: string;
  line: number;
  lineStart: number;
}

/** 1-based column of `pos`, counting code points so a surrogate pair is one column like in an editor. */
export function columnOf(text: string, lineStart: number, pos: number): number {
  let column = 1;
  for (let i = lineStart; i < pos; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > lineStart) {
      const prev = text.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) continue;
    }
    column++;
  }
  return column;
}

/** Throws the only exception the parser ever throws. */
export function fail(cursor: Cursor, pos: number, message: string): never {
  throw new ParseError(message, cursor.line, columnOf(cursor.text, cursor.lineStart, pos));
}

/** Quotes a token for an error message, bounded so a hostile megabyte token does not become a megabyte message. */
export function quote(text: string, start: number, end: number): string {
  const limit = 40;
  const token = end - start > limit ? `${text.slice(start, start + limit)}…` : text.slice(start, end);
  return JSON.stringify(token);
}
