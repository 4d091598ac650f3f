import { maskText } from '../execute/secret-masker.js';
import { compileExpectedLine } from './line-pattern.js';
import { matchOutput } from './match-output.js';
import { collapseBlanks, normalizeOutput } from './normalize.js';
import { findRedactions, type RedactionSpan } from './redaction-tokens.js';

export interface RedactOptions {
  variables: Readonly<Record<string, string>>;
  secrets?: readonly string[];
  /** The expected lines the snapshot had: lines they matched keep their text (hand-written patterns survive). */
  previous?: string[];
}

/** Values shorter than this would turn common words and numbers into `${NAME}` everywhere. */
const MIN_VARIABLE_LENGTH = 3;
const ELLIPSIS = '...';

/**
 * What `-u` writes into a snapshot file (SPEC section 5): the output normalized, secrets as
 * `[SECRET]`, variables' values as `${NAME}`, volatile values as tokens, and every line that a
 * previous expected line matched as that line's text. The snapshot always matches the output it
 * was written from: each line is checked, and one that would not match itself falls back to a
 * plainer form.
 */
export function redactForSnapshot(actualText: string, options: RedactOptions): string {
  const { variables, previous } = options;
  const masked = options.secrets?.length ? maskText(actualText, options.secrets) : actualText;
  const actual = normalizeOutput(masked, 'lines');
  const values = variableValues(variables);
  const fresh = (line: string) => redactFreshLine(line, values, variables);
  let lines = actual.map(fresh);
  if (previous) {
    const kept = keepPreviousLines(previous, masked, variables, fresh);
    if (matchOutput(kept, masked, { mode: 'lines', variables }).ok) lines = kept;
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** Lines matched by a previous expected line keep its text; a run covered by one `...` stays one `...`. */
function keepPreviousLines(
  previous: string[],
  masked: string,
  variables: Readonly<Record<string, string>>,
  fresh: (line: string) => string,
): string[] {
  const match = matchOutput(previous, masked, { mode: 'lines', variables });
  const lines: string[] = [];
  match.actualLines.forEach((line, index) => {
    const by = match.matchedBy[index];
    if (by === undefined) lines.push(fresh(line));
    else if (by !== ELLIPSIS || match.matchedBy[index - 1] !== ELLIPSIS) lines.push(by);
  });
  return lines;
}

interface VariableValue {
  name: string;
  value: string;
}

function variableValues(variables: Readonly<Record<string, string>>): VariableValue[] {
  return Object.entries(variables)
    .map(([name, value]) => ({ name, value: collapseBlanks(value) }))
    .filter(({ value }) => value.trim().length >= MIN_VARIABLE_LENGTH && !value.includes('\n'))
    .sort((a, b) => b.value.length - a.value.length || (a.name < b.name ? -1 : 1));
}

function redactFreshLine(line: string, values: readonly VariableValue[], variables: Readonly<Record<string, string>>): string {
  const spans = variableSpans(line, values);
  for (const token of findRedactions(line)) {
    if (!spans.some((span) => span.start < token.end && token.start < span.end)) spans.push(token);
  }
  spans.sort((a, b) => a.start - b.start);
  const candidates = [
    () => applySpans(line, spans, (gap) => gap),
    // Output that looks like expected-line syntax (`$NAME`, `[UUID]`, a line `...`) is written so that it means itself.
    () => protectLine(applySpans(line, spans, protectGap)),
    () => protectLine(protectGap(line)),
  ];
  for (const candidate of candidates) {
    const text = candidate();
    const pattern = compileExpectedLine(text, variables);
    if (pattern.kind !== 'ellipsis' && pattern.matches(line)) return text;
  }
  // Unreachable: the last candidate has no syntax left but `[..]`, standing for the `[` and `$` it replaced.
  return protectLine(protectGap(line));
}

function variableSpans(line: string, values: readonly VariableValue[]): RedactionSpan[] {
  const spans: RedactionSpan[] = [];
  for (const { name, value } of values) {
    const edges = wordEdges(value);
    for (let at = line.indexOf(value); at !== -1; ) {
      const end = at + value.length;
      const whole = standsWhole(line, at, end, edges);
      if (whole && !spans.some((span) => span.start < end && at < span.end)) spans.push({ start: at, end, token: `\${${name}}` });
      at = line.indexOf(value, whole ? end : at + 1);
    }
  }
  return spans;
}

const WORD = /^[\p{L}\p{N}_]$/u;

/** Whether a value starts and ends with a letter, digit or `_`. */
function wordEdges(value: string): { start: boolean; end: boolean } {
  const chars = Array.from(value);
  return { start: WORD.test(chars[0] ?? ''), end: WORD.test(chars.at(-1) ?? '') };
}

/**
 * A value is redacted where it stands whole, never as part of a longer word: a value that starts
 * (ends) with a letter, digit or `_` needs a character before (after) it that is none, or the
 * line's edge (`a` stays in `alts`; `my-proj` is redacted in `alts-server@my-proj.iam` and in
 * `/my-proj/`, not in `my-project`).
 */
function standsWhole(line: string, start: number, end: number, edges: { start: boolean; end: boolean }): boolean {
  if (edges.start && start > 0 && WORD.test(charBefore(line, start))) return false;
  return !(edges.end && end < line.length && WORD.test(String.fromCodePoint(line.codePointAt(end) ?? 0)));
}

/** The character (code point) that ends just before `at`. */
function charBefore(line: string, at: number): string {
  const low = line.charCodeAt(at - 1);
  return low >= 0xdc00 && low <= 0xdfff && at >= 2 ? line.slice(at - 2, at) : line.charAt(at - 1);
}

function applySpans(line: string, spans: readonly RedactionSpan[], gap: (text: string) => string): string {
  let result = '';
  let from = 0;
  for (const span of spans) {
    result += gap(line.slice(from, span.start)) + span.token;
    from = span.end;
  }
  return result + gap(line.slice(from));
}

/** `[..]` matches any text, so it can stand for a `[` or `$` that would otherwise start a token or a variable. */
function protectGap(text: string): string {
  return text.replace(/[[$]/g, '[..]');
}

function protectLine(text: string): string {
  if (text === ELLIPSIS) return `[..]${ELLIPSIS}`;
  return text.endsWith(' (re)') ? `${text}[..]` : text;
}
