import stringWidth from 'string-width';
import type { Tint } from './theme.js';

/** How a piece of text looks; colours go through the theme, so NO_COLOR still drops them. */
export interface SegmentStyle {
  color?: Tint;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  strikethrough?: boolean;
  inverse?: boolean;
}

export interface Segment {
  text: string;
  style?: SegmentStyle;
}

/** One terminal row, already no wider than the width it was wrapped at. */
export type Row = Segment[];

export interface WrapOptions {
  /** Break at spaces (prose) rather than at the last column that fits (output, commands). */
  words?: boolean;
  /** Put before the first row (a bullet, `$ `); the rows after it get as many spaces. */
  first?: Segment;
  /** Put before every row after the first, in place of the spaces `first` implies. */
  rest?: Segment;
}

/** Printable ASCII: one column per character, no need to measure. */
const NARROW = /^[\x20-\x7e]*$/;

/** Columns the text takes on a terminal. */
export function textWidth(text: string): number {
  return NARROW.test(text) ? text.length : stringWidth(text);
}

const CHARACTER_WIDTHS = new Map<string, number>();

/**
 * Columns of one code point: string-width for each distinct one, remembered, since measuring
 * every character of 2,000 lines of output anew on every render costs seconds. A sequence
 * joined by ZWJ counts its parts, wider than it shows: a row breaks early, never overflows.
 */
function characterWidth(character: string): number {
  const code = character.codePointAt(0) ?? 0;
  if (code >= 0x20 && code < 0x300) return 1;
  let width = CHARACTER_WIDTHS.get(character);
  if (width === undefined) {
    width = stringWidth(character);
    if (CHARACTER_WIDTHS.size < 10_000) CHARACTER_WIDTHS.set(character, width);
  }
  return width;
}

/**
 * Text cut into rows of at most `width` columns, nothing dropped: what does not fit goes on
 * the next row. A `\n` in a segment starts a new row. Pure, so the page is laid out before Ink
 * sees it and scrolling can count rows.
 */
export function wrapSegments(segments: readonly Segment[], width: number, options: WrapOptions = {}): Row[] {
  const { words = false, first, rest } = options;
  const firstWidth = first ? textWidth(first.text) : 0;
  const restPrefix = rest ?? (first ? { text: ' '.repeat(firstWidth) } : undefined);
  const restWidth = restPrefix ? textWidth(restPrefix.text) : 0;
  const rows: Row[] = [];
  let row: Row = first ? [first] : [];
  let room = Math.max(1, width - firstWidth);
  let used = 0;
  const newRow = () => {
    rows.push(row);
    row = restPrefix ? [restPrefix] : [];
    room = Math.max(1, width - restWidth);
    used = 0;
  };
  const add = (text: string, style: SegmentStyle | undefined) => {
    const last = row.at(-1);
    if (last && last.style === style && last !== first && last !== restPrefix) last.text += text;
    else row.push(style ? { text, style } : { text });
  };
  for (const piece of pieces(segments, words)) {
    if (piece === 'newline') {
      newRow();
      continue;
    }
    const pieceWidth = piece.parts.reduce((sum, part) => sum + textWidth(part.text), 0);
    if (words && pieceWidth <= room - used) {
      for (const part of piece.parts) add(part.text, part.style);
      used += pieceWidth;
      continue;
    }
    if (words && piece.space) {
      // Spaces where a row breaks are the break itself.
      if (used > 0) newRow();
      continue;
    }
    if (words && used > 0 && pieceWidth <= room) {
      newRow();
      for (const part of piece.parts) add(part.text, part.style);
      used += pieceWidth;
      continue;
    }
    // Longer than a row (a URL, an output line): cut at the last column that fits; prose
    // starts such a word on a row of its own.
    if (words && used > 0) newRow();
    for (const part of piece.parts) {
      for (const character of characters(part.text)) {
        const columns = characterWidth(character);
        if (used + columns > room && used > 0) newRow();
        add(character, part.style);
        used += columns;
      }
    }
  }
  rows.push(row);
  // Hard-wrapped text keeps its spaces where it breaks: joined again, the rows are the text.
  return words ? rows.map(trimTrailingSpaces) : rows;
}

/** One unstyled line (of output, say) as rows of `width` columns. */
export function wrapLine(line: string, width: number): string[] {
  const columns = Math.max(1, width);
  if (NARROW.test(line)) {
    if (line.length <= columns) return [line];
    const rows: string[] = [];
    for (let from = 0; from < line.length; from += columns) rows.push(line.slice(from, from + columns));
    return rows;
  }
  const rows: string[] = [];
  let row = '';
  let used = 0;
  for (const character of line) {
    const width = characterWidth(character);
    if (used + width > columns && used > 0) {
      rows.push(row);
      row = '';
      used = 0;
    }
    row += character;
    used += width;
  }
  rows.push(row);
  return rows;
}

/** Rows `wrapLine` would give, without making them. */
export function wrappedCount(line: string, width: number): number {
  const columns = Math.max(1, width);
  if (NARROW.test(line)) return Math.max(1, Math.ceil(line.length / columns));
  return wrapLine(line, columns).length;
}

/** Tabs to spaces at stops of 8, as a terminal shows them. */
export function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const character of line) {
    if (character === '\t') out += ' '.repeat(8 - (textWidth(out) % 8));
    else out += character;
  }
  return out;
}

export function rowText(row: Row): string {
  return row.map((segment) => segment.text).join('');
}

type Piece = { parts: Segment[]; space: boolean } | 'newline';

/**
 * What rows break between: runs of spaces and words (when `words`), a word going on across
 * segments (`(` then a code span, say) as one piece; lines otherwise. `\n` is a piece of its own.
 */
function pieces(segments: readonly Segment[], words: boolean): Piece[] {
  const result: Piece[] = [];
  let word: { parts: Segment[]; space: boolean } | undefined;
  for (const segment of segments) {
    segment.text.split('\n').forEach((line, index) => {
      if (index > 0) {
        result.push('newline');
        word = undefined;
      }
      for (const text of words ? line.split(/( +)/) : [line]) {
        if (text === '') continue;
        const part: Segment = segment.style ? { text, style: segment.style } : { text };
        const space = text.startsWith(' ');
        if (word && !space && !word.space) word.parts.push(part);
        else {
          word = { parts: [part], space };
          result.push(word);
        }
      }
    });
  }
  return result;
}

function characters(text: string): string[] {
  return NARROW.test(text) ? text.split('') : Array.from(text);
}

function trimTrailingSpaces(row: Row): Row {
  const last = row.at(-1);
  if (last === undefined || !last.text.endsWith(' ')) return row;
  const trimmed = last.text.replace(/ +$/, '');
  return trimmed === '' ? row.slice(0, -1) : [...row.slice(0, -1), { ...last, text: trimmed }];
}

/**
 * `wrapLine` for the lines of an output, remembered between renders: while a step prints, the
 * page is laid out again every 100 ms over the same 2,000 lines, and measuring them again each
 * time (non-ASCII ones character by character) would cost most of that. `nextPage()` starts a
 * layout; what the previous one did not use is forgotten.
 */
export class LineWrapper {
  private previous = new Map<string, string[]>();
  private current = new Map<string, string[]>();

  constructor(readonly width: number) {}

  nextPage(): void {
    this.previous = this.current;
    this.current = new Map();
  }

  wrap(line: string): string[] {
    let rows = this.current.get(line) ?? this.previous.get(line);
    if (rows === undefined) rows = wrapLine(expandTabs(line), this.width);
    this.current.set(line, rows);
    return rows;
  }
}
