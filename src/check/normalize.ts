import { withoutEscapes } from '../escape-sequences.js';
import type { ExpectMode } from '../format/tutorial.js';
import { cramOutputLines } from './cram-line-pattern.js';

const BLANKS = /[ \t]+/g;

/**
 * Splits output into the lines that are compared (SPEC section 5). Expected and actual text go
 * through the same function, so whatever it forgives on one side it forgives on the other.
 *
 * - `exact`: CRLF → LF and one final newline dropped; nothing else.
 * - other modes: also ANSI escapes stripped, trailing whitespace dropped, runs of blanks after a
 *   line's indentation collapsed to one space (column alignment is not output), and leading and
 *   trailing blank lines dropped. Indentation is kept as printed: it is meaningful in YAML and JSON.
 */
export function normalizeOutput(text: string, mode: ExpectMode): string[] {
  if (text === '') return [];
  // cram compares the raw lines, CRs, blanks and all, marked as cram writes them.
  if (mode === 'cram') return cramOutputLines(text);
  const unix = text.includes('\r') ? text.replace(/\r\n/g, '\n') : text;
  if (mode === 'exact') {
    const body = unix.endsWith('\n') ? unix.slice(0, -1) : unix;
    return body === '' ? [] : body.split('\n');
  }
  const plain = withoutEscapes(unix);
  const lines = plain.split('\n').map(normalizeLine);
  let first = 0;
  while (first < lines.length && lines[first] === '') first++;
  let last = lines.length;
  while (last > first && lines[last - 1] === '') last--;
  return first === 0 && last === lines.length ? lines : lines.slice(first, last);
}

/** One line as every mode but `exact` compares it: blank runs after the indentation collapsed, no trailing whitespace. */
export function normalizeLine(line: string): string {
  const trimmed = line.trimEnd();
  // Most lines have no run to collapse; skip the regex for them (100,000-line logs).
  if (!trimmed.includes('  ') && !trimmed.includes('\t')) return trimmed;
  const indent = trimmed.length - trimmed.trimStart().length;
  return trimmed.slice(0, indent) + trimmed.slice(indent).replace(BLANKS, ' ');
}

/** Collapses blank runs everywhere in a piece of a line (a variable's value), as `normalizeLine` does after the indentation. */
export function collapseBlanks(text: string): string {
  return text.includes('  ') || text.includes('\t') ? text.replace(BLANKS, ' ') : text;
}
