import type { OutputSpan } from '../format/tutorial.js';

/** New text for the output a page shows for one step (as `-u` writes it: redacted, patterns kept). */
export interface PageEdit {
  span: OutputSpan;
  lines: readonly string[];
}

/** One line of the page with the line break that ends it (`\n`, `\r\n`, a lone `\r`, or none at the end). */
interface SourceLine {
  text: string;
  end: string;
}

/** A line that would start a command (`$ `) or be read as its exit status (`[N]`) inside a transcript. */
const PROMPT = /^\$( |$)/;
const CONTINUATION = /^>( |$)/;
const EXIT_STATUS = /^\s*\[\d{1,3}\]\s*$/;
/** A line that could close a fenced block (``` or ~~~, up to three spaces in). */
const FENCE = /^ {0,3}(`{3,}|~{3,})/;

/**
 * The page with each edit's span replaced by its lines; every byte outside the spans is kept,
 * line breaks included (new lines end like the line before the span). Edits are applied from
 * the last to the first, so each span is found where the parser saw it. Pure.
 * Throws when two spans overlap (a bug: one step, one span).
 */
export function updatePage(text: string, edits: readonly PageEdit[]): string {
  const lines = splitSourceLines(text);
  const ordered = [...edits].sort((a, b) => b.span.line - a.span.line);
  ordered.forEach((edit, index) => {
    const later = ordered[index - 1];
    if (later && edit.span.line + edit.span.lineCount > later.span.line) {
      throw new Error(`BUG: page edits at lines ${edit.span.line} and ${later.span.line} overlap`);
    }
    const start = edit.span.line - 1;
    if (start < 1 || start + edit.span.lineCount > lines.length) {
      throw new Error(`BUG: page edit at line ${edit.span.line} (${edit.span.lineCount} lines) is outside the page`);
    }
    const end = lines[start - 1]?.end || '\n';
    const written = linesForBlock(edit.lines, edit.span.block).map((line) => ({
      text: line === '' ? edit.span.prefix.trimEnd() : `${edit.span.prefix}${line}`,
      end,
    }));
    lines.splice(start, edit.span.lineCount, ...written);
  });
  return lines.map((line) => line.text + line.end).join('');
}

/**
 * Output lines as they can stand in a block without changing what it means: in a transcript, a
 * line that starts with `$ ` would be a command, a first line starting with `> ` would continue
 * the command, and a last line `[N]` would be its exit status; in any fenced block a line of
 * backticks or tildes could close it. Such a line gets `[..]` (any text) in place of its first
 * character, so it still matches what was printed. Leading and trailing blank lines, which
 * matching ignores, are dropped (a transcript's blank last line would not be kept anyway).
 */
export function linesForBlock(lines: readonly string[], block: OutputSpan['block']): string[] {
  let first = 0;
  let last = lines.length;
  while (first < last && (lines[first] ?? '').trim() === '') first++;
  while (last > first && (lines[last - 1] ?? '').trim() === '') last--;
  return lines.slice(first, last).map((line, index, kept) => {
    const breaks =
      FENCE.test(line) ||
      (block === 'transcript' &&
        (PROMPT.test(line) || (index === 0 && CONTINUATION.test(line)) || (index === kept.length - 1 && EXIT_STATUS.test(line))));
    return breaks ? protectFirst(line) : line;
  });
}

/** `[..]` in place of the line's first non-blank character (its indentation is kept). */
function protectFirst(line: string): string {
  const at = line.length - line.trimStart().length;
  return `${line.slice(0, at)}[..]${line.slice(at + 1)}`;
}

/** The page's lines as the parser counts them (LF, CRLF or a lone CR ends one), each with its break. */
function splitSourceLines(text: string): SourceLine[] {
  const lines: SourceLine[] = [];
  const pattern = /\r\n|\r|\n/g;
  let from = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) {
    lines.push({ text: text.slice(from, match.index), end: match[0] });
    from = match.index + match[0].length;
  }
  lines.push({ text: text.slice(from), end: '' });
  return lines;
}
