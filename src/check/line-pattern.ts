import type { ExpectMode } from '../format/tutorial.js';
import { compileSegment, escapeRegExp, type LineSegment, type SegmentParts } from './line-segment.js';
import { collapseBlanks, normalizeLine } from './normalize.js';
import { isRedactionTokenName } from './redaction-tokens.js';

/** One expected line, compiled once and tried against many actual lines. */
export interface LinePattern {
  /** The expected line as given (before variables are substituted). */
  source: string;
  kind: 'ellipsis' | 'literal' | 'pattern' | 'regex' | 'forbidden';
  /** Whether the pattern matches the whole actual line. */
  matches(actual: string): boolean;
  /** Whether the pattern matches some part of the actual line (`expect=contains`). */
  occursIn(actual: string): boolean;
  /** Why the line can never match, e.g. an invalid ` (re)` expression. */
  problem?: string;
}

export interface CompileOptions {
  /** `contains` makes `! ` lines forbidden; `exact` leaves blanks in variable values as they are. Default `lines`. */
  mode?: ExpectMode;
}

const REFERENCE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
const SYNTAX = /\[(\.\.|[A-Z]+)\]/g;
const REGEX_SUFFIX = ' (re)';

/** A run of the expected line: text as written (may hold syntax) or a variable's value (always literal). */
interface Piece {
  text: string;
  literal: boolean;
}

/**
 * Compiles an expected line (SPEC section 5): `$VAR`/`${VAR}` replaced by values first (as literal
 * text, never syntax), then `...` (any number of lines), ` (re)` (a whole-line regular expression),
 * `[..]` (any text within the line) and the redaction tokens; with `mode: 'contains'`, `! ` (must
 * appear nowhere).
 *
 * A line with wildcards is never one expression with several `.*`: it is split at `[..]` into
 * segments found left to right at their leftmost match, as a glob is, so a line that cannot match
 * fails in time proportional to its length times the number of segments.
 */
export function compileExpectedLine(line: string, variables: Readonly<Record<string, string>>, options: CompileOptions = {}): LinePattern {
  const mode = options.mode ?? 'lines';
  const pieces = substitute(mode === 'exact' ? line : normalizeLine(line), variables, mode !== 'exact');
  const first = pieces[0];
  if (mode === 'contains' && first && !first.literal && first.text.startsWith('! ')) {
    const rest = compilePieces(line, [{ text: first.text.slice(2), literal: false }, ...pieces.slice(1)]);
    return { ...rest, source: line, kind: 'forbidden' };
  }
  if (pieces.length === 1 && first && !first.literal && first.text === '...') {
    return { source: line, kind: 'ellipsis', matches: () => true, occursIn: () => true };
  }
  return compilePieces(line, pieces);
}

function compilePieces(source: string, pieces: Piece[]): LinePattern {
  const last = pieces.at(-1);
  if (last && !last.literal && last.text.endsWith(REGEX_SUFFIX)) {
    const body = pieces.map((piece, index) => {
      const text = index === pieces.length - 1 ? piece.text.slice(0, -REGEX_SUFFIX.length) : piece.text;
      return piece.literal ? escapeRegExp(text) : text;
    });
    return regexPattern(source, body.join(''));
  }
  const segments = splitSegments(pieces);
  const [only] = segments;
  if (segments.length === 1 && only && only.tokens.length === 0) {
    const literal = only.literals.join('');
    return { source, kind: 'literal', matches: (actual) => actual === literal, occursIn: (actual) => actual.includes(literal) };
  }
  return globPattern(source, segments.map(compileSegment));
}

/** Splits the line at `[..]` into segments of literal text and tokens. */
function splitSegments(pieces: Piece[]): SegmentParts[] {
  const segments: SegmentParts[] = [];
  let current: SegmentParts = { literals: [''], tokens: [] };
  const appendLiteral = (text: string) => {
    current.literals[current.literals.length - 1] += text;
  };
  for (const piece of pieces) {
    if (piece.literal) {
      appendLiteral(piece.text);
      continue;
    }
    let from = 0;
    SYNTAX.lastIndex = 0;
    for (let match = SYNTAX.exec(piece.text); match !== null; match = SYNTAX.exec(piece.text)) {
      const name = match[1] ?? '';
      if (name !== '..' && !isRedactionTokenName(name)) continue;
      appendLiteral(piece.text.slice(from, match.index));
      from = match.index + match[0].length;
      if (name === '..') {
        segments.push(current);
        current = { literals: [''], tokens: [] };
      } else if (isRedactionTokenName(name)) {
        current.tokens.push(name);
        current.literals.push('');
      }
    }
    appendLiteral(piece.text.slice(from));
  }
  segments.push(current);
  return segments;
}

function globPattern(source: string, segments: LineSegment[]): LinePattern {
  const first = segments[0];
  const last = segments.at(-1);
  if (!first || !last) throw new Error('a line has at least one segment');
  const middle = segments.slice(1, -1);
  // Each middle segment at its leftmost match and the end of that match: whatever a later match of
  // it would allow, an earlier one allows too, since a wildcard follows. No backtracking needed.
  const findMiddle = (actual: string, from: number) => {
    let position = from;
    for (const segment of middle) {
      const found = segment.search(actual, position);
      if (!found) return -1;
      position = found.end;
    }
    return position;
  };
  return {
    source,
    kind: 'pattern',
    matches(actual) {
      if (segments.length === 1) return first.matchesRest(actual, 0);
      const start = first.matchAt(actual, 0);
      if (start === -1) return false;
      const position = findMiddle(actual, start);
      return position !== -1 && last.endsWithin(actual, position);
    },
    occursIn(actual) {
      const found = first.search(actual, 0);
      if (!found) return false;
      if (segments.length === 1) return true;
      const position = findMiddle(actual, found.end);
      return position !== -1 && last.search(actual, position) !== undefined;
    },
  };
}

function regexPattern(source: string, body: string): LinePattern {
  let whole: RegExp;
  let part: RegExp;
  try {
    whole = new RegExp(`^(?:${body})$`);
    part = new RegExp(body);
  } catch (error) {
    const problem = `invalid regular expression: ${(error as Error).message}`;
    return { source, kind: 'regex', problem, matches: () => false, occursIn: () => false };
  }
  // A user's expression can backtrack badly; that is theirs to write, as in cram.
  return { source, kind: 'regex', matches: (actual) => whole.test(actual), occursIn: (actual) => part.test(actual) };
}

/**
 * Cuts the line into text as written and variables' values. Unknown names stay as written. In modes
 * other than `exact`, a value's blank runs are collapsed as the actual line's are, and blanks where
 * a value meets the text around it too.
 */
function substitute(line: string, variables: Readonly<Record<string, string>>, collapse: boolean): Piece[] {
  if (!line.includes('$')) return line === '' ? [] : [{ text: line, literal: false }];
  const pieces: Piece[] = [];
  let from = 0;
  const push = (text: string, literal: boolean) => {
    if (text !== '') pieces.push({ text, literal });
  };
  for (const match of line.matchAll(REFERENCE)) {
    const name = match[1] ?? match[2] ?? '';
    const value = Object.hasOwn(variables, name) ? variables[name] : undefined;
    if (value === undefined) continue;
    push(line.slice(from, match.index), false);
    push(collapse ? collapseBlanks(value) : value, true);
    from = match.index + match[0].length;
  }
  push(line.slice(from), false);
  if (!collapse || !pieces.some((piece) => piece.literal)) return pieces;
  return joinBlanks(pieces);
}

function joinBlanks(pieces: Piece[]): Piece[] {
  const joined: Piece[] = [];
  let endsWithBlank = false;
  for (const piece of pieces) {
    const text: string = endsWithBlank && piece.text.startsWith(' ') ? piece.text.slice(1) : piece.text;
    if (text === '') continue;
    joined.push({ text, literal: piece.literal });
    endsWithBlank = text.endsWith(' ');
  }
  // Trailing blanks are dropped from actual lines; a value at the end of the line must not keep them.
  for (let last = joined.at(-1); last?.text.endsWith(' '); last = joined.at(-1)) {
    last.text = last.text.trimEnd();
    if (last.text === '') joined.pop();
    else break;
  }
  return joined;
}
