import type { ImportReport } from './draft-model.js';

/**
 * The report as lines for stderr: what was guessed and what could not be classified, each with
 * the document's `file:line`, in document order.
 */
export function formatReport(report: ImportReport, source: string): string[] {
  const where = (line: number | undefined) => (line === undefined ? source : `${source}:${line}`);
  const lines: string[] = [];
  if (report.guesses.length > 0) {
    lines.push('guessed (check these in the draft):');
    const guesses = [...report.guesses].sort((a, b) => (a.line ?? Number.MAX_SAFE_INTEGER) - (b.line ?? Number.MAX_SAFE_INTEGER));
    for (const guess of guesses) lines.push(`  ${where(guess.line)}: ${guess.message}`);
  }
  if (report.unclassified.length > 0) {
    lines.push('could not classify (kept in the draft as text blocks marked "could not classify"):');
    const entries = [...report.unclassified].sort((a, b) => a.line - b.line);
    for (const entry of entries) lines.push(`  ${where(entry.line)}: ${entry.reason}: ${quote(entry.text, 70)}`);
  }
  return lines;
}

/** A piece of the document, on one line and cut to `max` characters, in quotes. */
export function quote(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `"${flat.length > max ? `${flat.slice(0, max - 1)}…` : flat}"`;
}
