import type { DocItem, ImportReport, SourceLine } from './draft-model.js';
import { quote } from './format-report.js';
import { looksLikeCommand } from './shell-lines.js';

/**
 * Scraped pages flatten code blocks: line breaks vanish and commands, prompts and log lines run
 * together (`…Account"gcloud iam …`, `…gserviceaccount.comexport X=…`, `alts-server$ ./server
 * 2020/06/08 21:58:11 AuthInfo …`). These functions find the seams.
 */

export interface GluedPiece {
  text: string;
  /** A log line that was glued to a command or to another log line. */
  output: boolean;
}

/** Programs that start a glued command; kept short, since a seam inside a word must be certain. */
const GLUE_PROGRAMS = 'gcloud|gsutil|kubectl|docker|export|curl|sudo|go|helm|git|python3?|npm|node|envoy|ssh|scp|mkdir|cd|echo|iptables|ip';
/** A `$ ` prompt in the middle of a line, before a program or a path. */
const MID_PROMPT = new RegExp(`\\$ (?=(?:${GLUE_PROGRAMS})\\b|\\.{1,2}/|/)`, 'g');
/** A program glued right after a closing quote, a backtick or a domain's last label. */
const GLUED_PROGRAM = new RegExp(`(?:["'\`)]|\\.(?:com|org|net|io|dev|goog))(?=(?:${GLUE_PROGRAMS})\\s)`, 'g');
/** Where a log line starts: Go's `2006/01/02 15:04:05`, or Envoy's `[2020-06-09 12:59:52.818]`. */
const LOG_START = /\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}:\d{2}|\[\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}/g;

/** Splits one scraped line at its seams; a line without any comes back whole. */
export function splitGluedLine(text: string): GluedPiece[] {
  const pieces: GluedPiece[] = [];
  for (const part of splitAtPrompts(text)) {
    for (const command of splitAtGluedPrograms(part)) pieces.push(...splitOffLogLines(command));
  }
  return pieces.filter((piece) => piece.text.trim() !== '');
}

/** `…@$$ gcloud compute …` → `…@$`, `$ gcloud compute …`; a prompt at the start of the line is not a seam. */
function splitAtPrompts(text: string): string[] {
  const cuts: number[] = [];
  for (const match of text.matchAll(MID_PROMPT)) {
    const at = match.index;
    if (at > 0 && text[at - 1] !== '\\' && quotesClosed(text.slice(0, at))) cuts.push(at);
  }
  return cutAt(text, cuts).map((piece, index) => (index > 0 ? piece : piece.trimEnd()));
}

/** `…Account"gcloud iam …` → `…Account"`, `gcloud iam …`: only after a quote that closes a string. */
function splitAtGluedPrograms(text: string): string[] {
  const cuts: number[] = [];
  for (const match of text.matchAll(GLUED_PROGRAM)) {
    const at = match.index + match[0].length;
    if (quotesClosed(text.slice(0, at))) cuts.push(at);
  }
  return cutAt(text, cuts);
}

/**
 * A command followed by the log lines it printed (`./server 2020/06/08 21:58:11 AuthInfo …`), or
 * log lines run together (`…ALTS[2020-06-09 12:59:52.818][3782]…`): one piece per log line.
 */
function splitOffLogLines(text: string): GluedPiece[] {
  const starts = [...text.matchAll(LOG_START)].map((match) => match.index).filter((at) => quotesClosed(text.slice(0, at)));
  const first = starts[0];
  if (first === undefined) return [{ text, output: false }];
  const head = text.slice(0, first);
  // Text before the first log line that is not a command is the start of a line cut short: keep it whole.
  const headIsCommand = head.trim() !== '' && looksLikeCommand(head.replace(/^\$ /, ''));
  if (first > 0 && !headIsCommand) return [{ text, output: false }];
  const logs = cutAt(
    text.slice(first),
    starts.map((at) => at - first).filter((at) => at > 0),
  ).map((piece) => ({
    text: piece.trimEnd(),
    output: true,
  }));
  return head.trim() === '' ? logs : [{ text: head.trimEnd(), output: false }, ...logs];
}

function cutAt(text: string, cuts: number[]): string[] {
  const pieces: string[] = [];
  let from = 0;
  for (const at of cuts) {
    if (at <= from) continue;
    pieces.push(text.slice(from, at));
    from = at;
  }
  pieces.push(text.slice(from));
  return pieces;
}

/** No single, double or back quote is left open in `text` (a seam inside a string is not one). */
function quotesClosed(text: string): boolean {
  let open: string | undefined;
  for (let at = 0; at < text.length; at++) {
    const char = text[at];
    if (char === '\\' && open !== "'") {
      at++;
      continue;
    }
    if (open === undefined) {
      if (char === '"' || char === "'" || char === '`') open = char;
    } else if (char === open) {
      open = undefined;
    }
  }
  return open === undefined;
}

/** A command cut off by the scraper: it ends in the middle of a word, a value or a string. */
export function looksCutOff(command: string): boolean {
  const text = command.trimEnd();
  return /[=@$]$|\$\{$/.test(text) || !quotesClosed(text);
}

/** Plain text: each line split at its seams; splits go into the report. */
export function unglue(report: ImportReport): (entry: SourceLine) => SourceLine[] {
  return (entry) => {
    const pieces = splitGluedLine(entry.text);
    if (pieces.length <= 1) return [entry];
    report.guesses.push({
      line: entry.line,
      message: `split glued text into ${pieces.length} lines: ${pieces.map((piece) => quote(piece.text)).join(', ')}`,
    });
    return pieces.map((piece) => ({ text: piece.text, line: entry.line, ...(piece.output && { output: true }) }));
  };
}

/** Commands a scraper cut short cannot run: they become unclassified text. */
export function cutOffCommands(items: DocItem[]): DocItem[] {
  return items.map((item) => {
    if (item.kind !== 'command' || !looksCutOff(item.command.text)) return item;
    const { command } = item;
    return {
      kind: 'unclassified',
      lines: [...command.text.split('\n'), ...command.output],
      line: command.line,
      reason: 'a command that looks cut off',
    };
  });
}
