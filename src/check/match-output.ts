import type { ExpectMode } from '../format/tutorial.js';
import { compileCramLine } from './cram-line-pattern.js';
import { compileExpectedLine, type LinePattern } from './line-pattern.js';
import { normalizeLine, normalizeOutput } from './normalize.js';

export interface MatchOptions {
  mode: ExpectMode;
  variables: Readonly<Record<string, string>>;
}

export interface MatchResult {
  ok: boolean;
  /** The expected lines after normalization. */
  expectedLines: string[];
  /** The actual lines after normalization. */
  actualLines: string[];
  /** For each actual line: the expected line (as written, after normalization) that matched it, or undefined. */
  matchedBy: (string | undefined)[];
  /** The first problem in words, with the expected line's number: `line 3: expected "…", got "…"`. */
  reason?: string;
  mode: ExpectMode;
  /** `expectedLines` compiled with the variables of the match, for `diffOutput`. */
  patterns?: CompiledLines;
  /** Where the line-by-line rule stopped (0-based): the expected line and the actual line it failed on. */
  divergence?: { expected: number; actual: number };
}

/**
 * Checks actual output against expected lines (SPEC section 5). Both sides are normalized alike.
 * `lines`/`exact`: line by line, `...` scanning forward to the first line the next expected line
 * matches (never backtracking); `contains`: each expected line inside some actual line, in order,
 * and `! ` lines in none; `none`: always ok. No expected lines in `lines` mode means no output.
 */
export function matchOutput(expected: string[], actualText: string, options: MatchOptions): MatchResult {
  const { mode, variables } = options;
  const expectedLines = normalizeExpected(expected, mode);
  const actualLines = normalizeOutput(actualText, mode);
  const result: MatchResult = {
    ok: true,
    expectedLines,
    actualLines,
    matchedBy: new Array<string | undefined>(actualLines.length).fill(undefined),
    mode,
  };
  if (mode === 'none') return result;
  const patterns = compileLines(expectedLines, variables, mode);
  result.patterns = patterns;
  const failure =
    mode === 'contains' ? matchContains(patterns, actualLines, result.matchedBy) : matchLines(patterns, actualLines, result.matchedBy);
  if (failure) {
    result.ok = false;
    result.reason = failure.reason;
    result.divergence = { expected: failure.expected, actual: failure.actual };
  }
  return result;
}

/**
 * The expected lines as `normalizeOutput` gives them for the same text joined. Lines that hold no
 * line break, CR or escape are normalized one by one, which gives the same lines: a 500,000-line
 * snapshot is then not joined into one 3 MB text and split again (half the check's garbage).
 */
export function normalizeExpected(expected: readonly string[], mode: ExpectMode): string[] {
  // A .t file's expected lines are compared as written: cram forgives nothing.
  if (mode === 'cram') return [...expected];
  if (mode !== 'exact' && !expected.some(normalizesApart)) {
    let first = 0;
    let last = expected.length;
    const lines = expected.map(normalizeLine);
    while (first < last && lines[first] === '') first++;
    while (last > first && lines[last - 1] === '') last--;
    return first === 0 && last === lines.length ? lines : lines.slice(first, last);
  }
  // Each expected element is a whole line: under `exact` a last empty line must survive the one
  // final newline that normalization drops.
  const text = mode === 'exact' && expected.length > 0 ? `${expected.join('\n')}\n` : expected.join('\n');
  return normalizeOutput(text, mode);
}

/** A line break, CR or escape makes a line normalize differently on its own than inside the joined text. */
function normalizesApart(line: string): boolean {
  return line.includes('\n') || line.includes('\r') || line.includes('\x1b');
}

/**
 * Expected lines, each compiled when asked for and not kept: a match that stops at line 10 of
 * 100,000 compiles 10, and 100,000 compiled lines kept alive cost more in garbage collection than
 * compiling a line again (the diff caches the few lines it asks for repeatedly).
 */
export interface CompiledLines {
  readonly length: number;
  get(index: number): LinePattern;
}

export function compileLines(lines: readonly string[], variables: Readonly<Record<string, string>>, mode: ExpectMode): CompiledLines {
  return {
    length: lines.length,
    get(index) {
      const line = lines[index];
      if (line === undefined) throw new RangeError(`no expected line ${index}`);
      if (mode === 'cram') return compileCramLine(line, variables);
      return compileExpectedLine(line, variables, { mode, normalized: true });
    },
  };
}

interface Failure {
  reason: string;
  expected: number;
  actual: number;
}

function matchLines(patterns: CompiledLines, actual: readonly string[], matchedBy: (string | undefined)[]): Failure | undefined {
  let a = 0;
  for (let e = 0; e < patterns.length; e++) {
    const pattern = patterns.get(e);
    if (pattern.kind === 'ellipsis') {
      while (e + 1 < patterns.length && patterns.get(e + 1).kind === 'ellipsis') e++;
      const next = e + 1 < patterns.length ? patterns.get(e + 1) : undefined;
      if (!next) {
        matchedBy.fill(pattern.source, a);
        return undefined;
      }
      const found = scanFor(next, actual, a);
      if (found === -1) {
        return { reason: `line ${e + 2}: ${quote(next.source)} not found after "..."${problemOf(next)}`, expected: e + 1, actual: a };
      }
      matchedBy.fill(pattern.source, a, found);
      matchedBy[found] = next.source;
      a = found + 1;
      e++;
      continue;
    }
    const line = actual[a];
    if (line === undefined)
      return { reason: `line ${e + 1}: expected ${quote(pattern.source)}, got end of output`, expected: e, actual: a };
    if (!pattern.matches(line)) {
      return {
        reason: `line ${e + 1}: expected ${quote(pattern.source)}, got ${quote(line)}${problemOf(pattern)}`,
        expected: e,
        actual: a,
      };
    }
    matchedBy[a] = pattern.source;
    a++;
  }
  const extra = actual[a];
  if (extra !== undefined) {
    return { reason: `line ${patterns.length + 1}: expected end of output, got ${quote(extra)}`, expected: patterns.length, actual: a };
  }
  return undefined;
}

function scanFor(pattern: LinePattern, actual: readonly string[], from: number): number {
  for (let index = from; index < actual.length; index++) {
    if (pattern.matches(actual[index] as string)) return index;
  }
  return -1;
}

function matchContains(patterns: CompiledLines, actual: readonly string[], matchedBy: (string | undefined)[]): Failure | undefined {
  let a = 0;
  for (let e = 0; e < patterns.length; e++) {
    const pattern = patterns.get(e);
    if (pattern.kind === 'ellipsis') continue;
    if (pattern.kind === 'forbidden') {
      const found = actual.findIndex((line) => pattern.occursIn(line));
      if (found !== -1) {
        return {
          reason: `line ${e + 1}: forbidden line found: ${quote(actual[found] ?? '')} (actual line ${found + 1})`,
          expected: e,
          actual: found,
        };
      }
      continue;
    }
    let found = -1;
    for (let index = a; index < actual.length; index++) {
      if (pattern.occursIn(actual[index] as string)) {
        found = index;
        break;
      }
    }
    if (found === -1) return { reason: `line ${e + 1}: missing ${quote(pattern.source)}${problemOf(pattern)}`, expected: e, actual: a };
    matchedBy[found] = pattern.source;
    a = found + 1;
  }
  return undefined;
}

function problemOf(pattern: LinePattern): string {
  return pattern.problem ? ` (${pattern.problem})` : '';
}

/** Quotes a line for a one-line message, shortened so that a 20,000-character line does not flood it. */
export function quote(line: string): string {
  const shown = line.length > 200 ? `${line.slice(0, 200)}…` : line;
  return JSON.stringify(shown);
}
