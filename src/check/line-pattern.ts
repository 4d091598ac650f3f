import type { ExpectMode } from '../format/tutorial.js';
import { compileSegment, escapeRegExp, type LineSegment, type SegmentParts, tokenEnd } from './line-segment.js';
import { collapseBlanks, normalizeLine } from './normalize.js';
import { REDACTION_TOKEN_NAMES, type RedactionTokenName } from './redaction-tokens.js';

/** One expected line, compiled once and tried against many actual lines. */
export interface LinePattern {
  /** The expected line as given (before variables are substituted). */
  readonly source: string;
  readonly kind: 'ellipsis' | 'literal' | 'pattern' | 'regex' | 'forbidden';
  /** Whether the pattern matches the whole actual line. */
  matches(actual: string): boolean;
  /** Whether the pattern matches some part of the actual line (`expect=contains`). */
  occursIn(actual: string): boolean;
  /** Why the line can never match, e.g. an invalid ` (re)` expression. */
  readonly problem?: string;
}

export interface CompileOptions {
  /** `contains` makes `! ` lines forbidden; `exact` leaves blanks in variable values as they are. Default `lines`. */
  mode?: ExpectMode;
  /** The line is already normalized for the mode (`matchOutput` normalizes all lines first). */
  normalized?: boolean;
}

const REFERENCE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)\}|([A-Za-z_][A-Za-z0-9_]*))/g;
const REGEX_SUFFIX = ' (re)';
const ELLIPSIS = '...';
const WILDCARD = '[..]';

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
  const quick = quickLine(line, mode, options.normalized ?? false);
  if (quick) return quick;
  const pieces = substitute(mode === 'exact' ? line : normalizeLine(line), variables, mode !== 'exact');
  const first = pieces[0];
  if (mode === 'contains' && first && !first.literal && first.text.startsWith('! ')) {
    return new ForbiddenLine(line, compilePieces(line, [{ text: first.text.slice(2), literal: false }, ...pieces.slice(1)]));
  }
  if (pieces.length === 1 && first && !first.literal && first.text === ELLIPSIS) return new EllipsisLine(line);
  return compilePieces(line, pieces);
}

/**
 * The lines of a long log: no variables, no `[..]`, no ` (re)`, only literal text and tokens. They
 * are checked by walking the line, with nothing built; 100,000 compiled lines kept for one match
 * cost more in allocation and garbage collection than the matching itself.
 */
function quickLine(line: string, mode: ExpectMode, normalized: boolean): LinePattern | undefined {
  if (mode === 'exact' || line.includes('$') || line.includes(WILDCARD) || line.endsWith(REGEX_SUFFIX)) return undefined;
  if ((!normalized && normalizeLine(line) !== line) || line === ELLIPSIS || (mode === 'contains' && line.startsWith('! ')))
    return undefined;
  for (let at = line.indexOf('['); at !== -1; at = line.indexOf('[', at + 1)) {
    if (tokenAt(line, at)) return new TokenLine(line);
  }
  return new LiteralLine(line, line);
}

function compilePieces(source: string, pieces: Piece[]): LinePattern {
  const last = pieces.at(-1);
  if (last && !last.literal && last.text.endsWith(REGEX_SUFFIX)) {
    const body = pieces.map((piece, index) => {
      const text = index === pieces.length - 1 ? piece.text.slice(0, -REGEX_SUFFIX.length) : piece.text;
      return piece.literal ? escapeRegExp(text) : text;
    });
    return regexLine(source, body.join(''), pieces.map((piece) => piece.text).join(''));
  }
  const segments = splitSegments(pieces);
  const [only] = segments;
  if (segments.length === 1 && only && only.tokens.length === 0) return new LiteralLine(source, only.literals.join(''));
  return new GlobLine(source, segments.map(compileSegment));
}

/** Splits the line at `[..]` into segments of literal text and tokens. */
function splitSegments(pieces: Piece[]): SegmentParts[] {
  const segments: SegmentParts[] = [];
  let literals: string[] = [];
  let tokens: RedactionTokenName[] = [];
  let literal = '';
  for (const piece of pieces) {
    const { text } = piece;
    if (piece.literal) {
      literal += text;
      continue;
    }
    let from = 0;
    for (let at = text.indexOf('['); at !== -1; at = text.indexOf('[', at + 1)) {
      const wildcard = text.startsWith(WILDCARD, at);
      const token = wildcard ? undefined : tokenAt(text, at);
      if (!wildcard && token === undefined) continue;
      literals.push(literal + text.slice(from, at));
      literal = '';
      if (token) {
        tokens.push(token);
      } else {
        segments.push({ literals, tokens });
        literals = [];
        tokens = [];
      }
      from = text.indexOf(']', at) + 1;
      at = from - 1;
    }
    literal += text.slice(from);
  }
  literals.push(literal);
  segments.push({ literals, tokens });
  return segments;
}

const TOKEN_BY_INITIAL = new Map(REDACTION_TOKEN_NAMES.map((name) => [name.charCodeAt(0), name]));

/** The token written at `text[at]` (a `[`), if any. */
function tokenAt(text: string, at: number): RedactionTokenName | undefined {
  // Called for every `[` of every line of a long log: look at the one name that can start there.
  const name = TOKEN_BY_INITIAL.get(text.charCodeAt(at + 1));
  return name !== undefined && text.startsWith(name, at + 1) && text.charCodeAt(at + 1 + name.length) === 0x5d ? name : undefined;
}

class LiteralLine implements LinePattern {
  readonly kind = 'literal';

  constructor(
    readonly source: string,
    private readonly text: string,
  ) {}

  matches(actual: string): boolean {
    return actual === this.text;
  }

  occursIn(actual: string): boolean {
    return actual.includes(this.text);
  }
}

/** Literal text and tokens only (see `quickLine`); anything but a plain first reading goes to the full matcher. */
class TokenLine implements LinePattern {
  readonly kind = 'pattern';
  private compiled: LinePattern | undefined;

  constructor(readonly source: string) {}

  matches(actual: string): boolean {
    return this.walk(actual) || this.full().matches(actual);
  }

  occursIn(actual: string): boolean {
    return this.full().occursIn(actual);
  }

  /** Literal characters compared in place, each token at its first reading; true only if that reaches both ends. */
  private walk(actual: string): boolean {
    const line = this.source;
    let e = 0;
    let a = 0;
    while (e < line.length) {
      const token = line.charCodeAt(e) === 0x5b ? tokenAt(line, e) : undefined;
      if (token) {
        a = tokenEnd(token, actual, a);
        if (a === -1) return false;
        e += token.length + 2;
      } else {
        if (line.charCodeAt(e) !== actual.charCodeAt(a)) return false;
        e++;
        a++;
      }
    }
    return a === actual.length;
  }

  private full(): LinePattern {
    this.compiled ??= compilePieces(this.source, [{ text: this.source, literal: false }]);
    return this.compiled;
  }
}

class EllipsisLine implements LinePattern {
  readonly kind = 'ellipsis';

  constructor(readonly source: string) {}

  matches(): boolean {
    return true;
  }

  occursIn(): boolean {
    return true;
  }
}

/** `! pattern` under `expect=contains`: matches where the pattern does; the caller makes that a failure. */
class ForbiddenLine implements LinePattern {
  readonly kind = 'forbidden';
  readonly problem: string | undefined;

  constructor(
    readonly source: string,
    private readonly pattern: LinePattern,
  ) {
    this.problem = pattern.problem;
  }

  matches(actual: string): boolean {
    return this.pattern.matches(actual);
  }

  occursIn(actual: string): boolean {
    return this.pattern.occursIn(actual);
  }
}

class GlobLine implements LinePattern {
  readonly kind = 'pattern';

  constructor(
    readonly source: string,
    private readonly segments: readonly LineSegment[],
  ) {}

  matches(actual: string): boolean {
    const { segments } = this;
    const first = segments[0] as LineSegment;
    if (segments.length === 1) return first.matchesRest(actual, 0);
    const start = first.matchAt(actual, 0);
    if (start === -1) return false;
    const position = this.findMiddle(actual, start);
    return position !== -1 && (segments[segments.length - 1] as LineSegment).endsWithin(actual, position);
  }

  occursIn(actual: string): boolean {
    const { segments } = this;
    const found = (segments[0] as LineSegment).search(actual, 0);
    if (!found) return false;
    if (segments.length === 1) return true;
    const position = this.findMiddle(actual, found.end);
    return position !== -1 && (segments[segments.length - 1] as LineSegment).search(actual, position) !== undefined;
  }

  /**
   * Each middle segment at its leftmost match and that match's end: whatever a later match of it
   * would allow, an earlier one allows too, since a wildcard follows. No backtracking needed.
   */
  private findMiddle(actual: string, from: number): number {
    let position = from;
    for (let index = 1; index < this.segments.length - 1; index++) {
      const found = (this.segments[index] as LineSegment).search(actual, position);
      if (!found) return -1;
      position = found.end;
    }
    return position;
  }
}

/** `written` is the line as written, ` (re)` included: as in cram, output equal to it matches (`foo( (re)` printed as such). */
function regexLine(source: string, body: string, written: string): LinePattern {
  let whole: RegExp;
  let part: RegExp;
  try {
    whole = new RegExp(`^(?:${body})$`);
    part = new RegExp(body);
  } catch (error) {
    const problem = `invalid regular expression: ${(error as Error).message}`;
    return { source, kind: 'regex', problem, matches: (actual) => actual === written, occursIn: (actual) => actual.includes(written) };
  }
  // A user's expression can backtrack badly; that is theirs to write, as in cram.
  return {
    source,
    kind: 'regex',
    matches: (actual) => actual === written || whole.test(actual),
    occursIn: (actual) => actual.includes(written) || part.test(actual),
  };
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
