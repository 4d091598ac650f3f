import { createRequire } from 'node:module';
import type diffSequencesModule from '@jest/diff-sequences';
import type { LinePattern } from './line-pattern.js';
import { type CompiledLines, compileLines, type MatchResult, quote } from './match-output.js';

export interface DiffOptions {
  /** Unchanged lines shown around each change. Default 3. */
  context?: number;
  /** Milliseconds the full diff may take before it gives way to the first divergence. Default 1000. */
  timeBudgetMs?: number;
}

/** One line of the diff. `expected`/`actual`: how many lines of each side it stands for. */
interface DiffLine {
  sign: ' ' | '-' | '+';
  text: string;
  expected: number;
  actual: number;
  ellipsis?: boolean;
}

// The package's ESM entry exports the function as its default, but its types describe the CommonJS
// module (whose `default` is the function); accept either shape.
type DiffSequences = (typeof diffSequencesModule)['default'];
let loaded: DiffSequences | undefined;

/** Loaded on the first mismatch: a run whose outputs all match never pays for it. */
function diffSequences(...args: Parameters<DiffSequences>): ReturnType<DiffSequences> {
  if (!loaded) {
    const module = createRequire(import.meta.url)('@jest/diff-sequences') as DiffSequences | { default: DiffSequences };
    loaded = typeof module === 'function' ? module : module.default;
  }
  return loaded(...args);
}

const FALLBACK_CONTEXT = 5;
const CLOCK_EVERY = 4096;
const MAX_FORBIDDEN_SHOWN = 10;
/** Hunks shown of a diff; past them one line says how many more lines differ (a diff a person reads, not a dump). */
export const MAX_HUNKS = 20;

/** Thrown from inside the diff's comparison callback to stop it; never escapes this module. */
class DiffTimeout extends Error {}

/**
 * A unified diff of a failed match (`--- expected`, `+++ actual`). An actual line that a pattern
 * matched is shown as the pattern, so `[..]`, tokens and `...` never show up as differences. The
 * diff is time-boxed: past the budget it gives way to the first divergence with context.
 * For `expect=contains`, lists the missing lines and the forbidden lines found instead.
 * An empty string when the match succeeded.
 */
export function diffOutput(result: MatchResult, options: DiffOptions = {}): string {
  if (result.ok) return '';
  const patterns = result.patterns ?? compileLines(result.expectedLines, {}, result.mode);
  if (result.mode === 'contains') return containsReport(patterns, result.actualLines);
  const context = Math.max(0, options.context ?? 3);
  const budget = options.timeBudgetMs ?? 1000;
  let diff: { lines: DiffLine[]; skipped: number };
  try {
    diff = budget <= 0 ? abort() : fullDiff(result, patterns, budget, context);
  } catch (error) {
    if (!(error instanceof DiffTimeout)) throw error;
    return firstDivergence(result, patterns, budget);
  }
  return ['--- expected', '+++ actual', ...formatHunks(diff.lines, diff.skipped, context)].join('\n');
}

/** Lines the match already paired one to one before it failed (none if a `...` came first): no need to match them again. */
function matchedHead(result: MatchResult): number {
  const stop = result.divergence;
  if (!stop || stop.expected !== stop.actual) return 0;
  const ellipsis = result.expectedLines.indexOf('...');
  return ellipsis === -1 || ellipsis >= stop.expected ? stop.expected : 0;
}

function abort(): never {
  throw new DiffTimeout();
}

/**
 * The diff as lines, with `...` as a common line covering the actual lines added where it is. The
 * common head and tail are matched pairwise first (linear), so Myers' algorithm only sees what
 * differs; of them only the context shown is kept (`skipped`: head lines left out).
 */
function fullDiff(result: MatchResult, patterns: CompiledLines, budget: number, context: number): { lines: DiffLine[]; skipped: number } {
  const { expectedLines, actualLines: actual } = result;
  const plainMatch = (e: number, a: number) => {
    const pattern = patterns.get(e);
    return pattern.kind !== 'ellipsis' && pattern.matches(actual[a] as string);
  };
  let head = matchedHead(result);
  while (head < patterns.length && head < actual.length && plainMatch(head, head)) head++;
  let tail = 0;
  while (tail < patterns.length - head && tail < actual.length - head && plainMatch(patterns.length - 1 - tail, actual.length - 1 - tail)) {
    tail++;
  }
  const expectedEnd = patterns.length - tail;
  const actualEnd = actual.length - tail;

  const lines: DiffLine[] = [];
  const common = (e: number) => {
    lines.push({ sign: ' ', text: expectedLines[e] as string, expected: 1, actual: 1 });
  };
  // Of the common head, only the lines shown as context; the tail likewise below.
  const skipped = Math.max(0, head - context);
  for (let e = skipped; e < head; e++) common(e);

  // Myers' algorithm asks about the same expected line many times: compile each once.
  const middle = new Array<LinePattern | undefined>(expectedEnd - head).fill(undefined);
  const deadline = performance.now() + budget;
  let calls = 0;
  const isCommon = (e: number, a: number) => {
    if (++calls % CLOCK_EVERY === 0 && performance.now() > deadline) throw new DiffTimeout();
    let pattern = middle[e];
    if (!pattern) {
      pattern = patterns.get(head + e);
      middle[e] = pattern;
    }
    // `...` is left out of the common lines: it is placed in the gaps, covering what was added there.
    return pattern.kind !== 'ellipsis' && pattern.matches(actual[head + a] as string);
  };
  let e = head;
  let a = head;
  // Between two common lines: the expected lines missing, then the actual lines added, unless a
  // `...` is among the missing lines. `...` is never a difference: it stands for every line added
  // there (or for none).
  const gapUntil = (eEnd: number, aEnd: number) => {
    let added = aEnd - a;
    let covering = false;
    for (; e < eEnd; e++) {
      const pattern = patterns.get(e);
      if (pattern.kind === 'ellipsis') {
        lines.push({ sign: ' ', text: pattern.source, expected: 1, actual: added, ellipsis: true });
        covering = true;
        added = 0;
      } else {
        lines.push({ sign: '-', text: pattern.source, expected: 1, actual: 0 });
      }
    }
    if (covering) a = aEnd;
    for (; a < aEnd; a++) lines.push({ sign: '+', text: actual[a] as string, expected: 0, actual: 1 });
  };
  diffSequences(expectedEnd - head, actualEnd - head, isCommon, (count, eCommon, aCommon) => {
    gapUntil(head + eCommon, head + aCommon);
    for (let index = 0; index < count; index++, e++, a++) common(e);
  });
  gapUntil(expectedEnd, actualEnd);
  for (let index = 0; index < Math.min(tail, context); index++) common(expectedEnd + index);
  return { lines: mergeEllipses(lines), skipped };
}

/** Consecutive `...` lines (one stands for what the others do) become one. */
function mergeEllipses(lines: DiffLine[]): DiffLine[] {
  const result: DiffLine[] = [];
  for (const line of lines) {
    const previous = result.at(-1);
    if (line.ellipsis && previous?.ellipsis) {
      previous.expected += line.expected;
      previous.actual += line.actual;
    } else {
      result.push(line);
    }
  }
  return result;
}

/** Groups the lines into `@@ -a,b +c,d @@` hunks with `context` unchanged lines around each change. */
function formatHunks(lines: readonly DiffLine[], skipped: number, context: number): string[] {
  const output: string[] = [];
  const changes: number[] = [];
  lines.forEach((line, index) => {
    if (line.sign !== ' ') changes.push(index);
  });
  const starts = positions(lines, skipped);
  let at = 0;
  let hunks = 0;
  while (at < changes.length) {
    if (hunks++ === MAX_HUNKS) {
      output.push(`… ${changes.length - at} more lines differ`);
      break;
    }
    const first = changes[at] as number;
    let last = first;
    while (at + 1 < changes.length && (changes[at + 1] as number) - last <= 2 * context + 1) last = changes[++at] as number;
    at++;
    const from = Math.max(0, first - context);
    const to = Math.min(lines.length, last + context + 1);
    output.push(hunkHeader(lines, starts, from, to));
    for (let index = from; index < to; index++) {
      const line = lines[index] as DiffLine;
      output.push(line.sign + line.text);
    }
  }
  return output;
}

/** For each line of the diff, the 0-based expected and actual line it starts at; the first is at `skipped` on both sides. */
function positions(lines: readonly DiffLine[], skipped: number): { expected: number; actual: number }[] {
  let expected = skipped;
  let actual = skipped;
  return lines.map((line) => {
    const start = { expected, actual };
    expected += line.expected;
    actual += line.actual;
    return start;
  });
}

function hunkHeader(lines: readonly DiffLine[], starts: readonly { expected: number; actual: number }[], from: number, to: number): string {
  let expectedCount = 0;
  let actualCount = 0;
  for (let index = from; index < to; index++) {
    expectedCount += (lines[index] as DiffLine).expected;
    actualCount += (lines[index] as DiffLine).actual;
  }
  const start = starts[from] ?? { expected: 0, actual: 0 };
  // As in GNU diff, an empty range is numbered by the line before it.
  const range = (begin: number, count: number) => `${count === 0 ? begin : begin + 1},${count}`;
  return `@@ -${range(start.expected, expectedCount)} +${range(start.actual, actualCount)} @@`;
}

/**
 * When the diff ran out of time: where the line-by-line rule stopped, the lines that matched just
 * before it (as their patterns) and the next lines of each side.
 */
function firstDivergence(result: MatchResult, patterns: CompiledLines, budget: number): string {
  const { expectedLines, actualLines, matchedBy } = result;
  const divergence = result.divergence ?? pairwiseDivergence(patterns, actualLines);
  const lines: DiffLine[] = [];
  // Walk back from the divergence over the lines that matched, as the rule paired them.
  let e = divergence.expected - 1;
  let a = divergence.actual - 1;
  while (e >= 0 && lines.length < FALLBACK_CONTEXT) {
    const pattern = patterns.get(e);
    if (pattern.kind === 'ellipsis') {
      let covered = 0;
      while (a >= 0 && matchedBy[a] === pattern.source) {
        covered++;
        a--;
      }
      const first = lines[0];
      if (first?.ellipsis) {
        first.expected++;
        first.actual += covered;
      } else {
        lines.unshift({ sign: ' ', text: pattern.source, expected: 1, actual: covered, ellipsis: true });
      }
    } else {
      lines.unshift({ sign: ' ', text: pattern.source, expected: 1, actual: 1 });
      a--;
    }
    e--;
  }
  for (const text of expectedLines.slice(divergence.expected, divergence.expected + FALLBACK_CONTEXT + 1)) {
    lines.push({ sign: '-', text, expected: 1, actual: 0 });
  }
  for (const text of actualLines.slice(divergence.actual, divergence.actual + FALLBACK_CONTEXT + 1)) {
    lines.push({ sign: '+', text, expected: 0, actual: 1 });
  }
  const starts = lines.map(() => ({ expected: e + 1, actual: a + 1 }));
  return [
    '--- expected',
    '+++ actual',
    `(full diff cut short after ${budget} ms; showing the first difference, expected line ${divergence.expected + 1}, actual line ${divergence.actual + 1})`,
    hunkHeader(lines, starts, 0, lines.length),
    ...lines.map((line) => line.sign + line.text),
  ].join('\n');
}

function pairwiseDivergence(patterns: CompiledLines, actual: readonly string[]): { expected: number; actual: number } {
  let index = 0;
  while (index < patterns.length && index < actual.length && patterns.get(index).matches(actual[index] as string)) index++;
  return { expected: index, actual: index };
}

/** `expect=contains`: the expected lines not found (in order) and the actual lines a `! ` line forbids. */
function containsReport(patterns: CompiledLines, actual: readonly string[]): string {
  const missing: string[] = [];
  const forbidden: string[] = [];
  let from = 0;
  for (let e = 0; e < patterns.length; e++) {
    const pattern = patterns.get(e);
    if (pattern.kind === 'ellipsis') continue;
    if (pattern.kind === 'forbidden') {
      const found = actual.flatMap((line, index) => (pattern.occursIn(line) ? [index] : []));
      for (const index of found.slice(0, MAX_FORBIDDEN_SHOWN)) {
        forbidden.push(`+${index + 1}: ${actual[index]}   (forbidden by ${quote(pattern.source)})`);
      }
      if (found.length > MAX_FORBIDDEN_SHOWN) forbidden.push(`  … and ${found.length - MAX_FORBIDDEN_SHOWN} more`);
      continue;
    }
    let found = -1;
    for (let index = from; index < actual.length && found === -1; index++) {
      if (pattern.occursIn(actual[index] as string)) found = index;
    }
    // A missing line does not move the search on: the lines after it are looked for from the same place.
    if (found === -1) missing.push(`-${pattern.source}`);
    else from = found + 1;
  }
  const output: string[] = [];
  if (missing.length > 0) output.push('missing lines (each expected inside some actual line, in this order):', ...missing);
  if (forbidden.length > 0) output.push('forbidden lines found:', ...forbidden);
  return output.join('\n');
}
