import type { DocItem, ImportReport, SourceCommand, SourceLine } from './draft-model.js';
import { unglue } from './glued-text.js';
import type { ScannedDocument } from './scan-document.js';
import {
  type Continuation,
  continuationOf,
  endsHeredoc,
  isHeadingLike,
  isProseLike,
  isShellComment,
  isShortSentence,
  looksLikeCommand,
  parsePrompt,
} from './shell-lines.js';

/** Fence languages whose lines may be commands or their output; any other block (yaml, go) is kept as it is. */
const SHELLISH = new Set([
  '',
  'sh',
  'bash',
  'shell',
  'console',
  'zsh',
  'terminal',
  'shell-session',
  'shellsession',
  'text',
  'txt',
  'plaintext',
]);

/** Lines that are output whatever precedes them: curl's `> `/`< `, JSON, bracketed log lines. */
const OUTPUT_LOOK = /^\s*(?:[<>{}[\]]|"[\w-]+"\s*:|\* |'[\w:-]+',)/;

type Mode = 'fence' | 'plain' | 'markdown';

/**
 * Turns a scanned document into items: headings, prose, commands with their output, kept
 * blocks, and what could not be classified. Pure.
 */
export function classifyDocument(document: ScannedDocument, report: ImportReport): DocItem[] {
  const reader = new LineReader(document.dense, report);
  let first = true;
  for (const region of document.regions) {
    if (region.kind === 'heading') {
      reader.heading(region.depth, region.text, region.line);
    } else if (region.kind === 'fence') {
      if (SHELLISH.has(region.lang)) reader.fence(region.lang, region.lines, region.line);
      else reader.keep(region.lang, region.lines, region.line);
    } else {
      reader.loose(region.lines, document.markdown ? 'markdown' : 'plain', first);
    }
    first = false;
  }
  return reader.finish();
}

class LineReader {
  private readonly items: DocItem[] = [];
  private current: SourceCommand | undefined;
  private continuation: Continuation;
  private blanks = 0;
  private comments: string[] = [];
  private groups = 0;
  private blocks = 0;
  /** Number of the fenced block being read, if any. */
  private block: number | undefined;
  /** The group of the last bare command, while the next bare command may join it. */
  private openGroup: number | undefined;
  /** Lines that read as output but follow no command (plain text). */
  private orphan: SourceLine[] = [];

  constructor(
    private readonly dense: boolean,
    private readonly report: ImportReport,
  ) {}

  heading(depth: number, text: string, line: number): void {
    this.endCommand();
    this.items.push({ kind: 'heading', depth, text, line });
  }

  keep(lang: string, lines: SourceLine[], line: number): void {
    this.endCommand();
    this.items.push({ kind: 'block', lang, lines: lines.map((entry) => entry.text), line, outputOnly: false });
  }

  /** A shell-like fenced block: prompts, bare commands, comments and output. */
  fence(lang: string, lines: SourceLine[], line: number): void {
    this.endCommand();
    this.blanks = 0;
    const start = this.items.length;
    this.block = ++this.blocks;
    const beforeFirst: SourceLine[] = [];
    let sawPrompt = false;
    let commands = 0;
    for (const entry of lines) {
      if (this.continue(entry)) continue;
      const { text } = entry;
      if (text.trim() === '') {
        this.blanks++;
        continue;
      }
      const prompt = parsePrompt(text);
      const afterBlank = this.blanks > 0;
      if (prompt) {
        sawPrompt = true;
        if (prompt.command !== '') {
          this.startCommand(prompt.command, entry.line, true, prompt.host, prompt.user);
          commands++;
        }
      } else if (isShellComment(text) && (this.current === undefined || afterBlank || !this.current.prompted)) {
        this.endCommand();
        this.comments.push(text.replace(/^\s*#\s?/, ''));
      } else if (!sawPrompt && looksLikeCommand(text)) {
        this.startCommand(text, entry.line, false);
        commands++;
      } else if (this.current) {
        this.addOutput(text);
      } else {
        beforeFirst.push(entry);
      }
      this.blanks = 0;
    }
    this.endCommand();
    this.openGroup = undefined;
    this.block = undefined;
    if (commands === 0) {
      // Nothing to run: logs or output shown for reading. Kept as it is; it may be the output of the step before.
      this.items.splice(start);
      this.comments = [];
      this.items.push({ kind: 'block', lang, lines: lines.map((entry) => entry.text), line, outputOnly: true });
      return;
    }
    this.flushComments();
    if (beforeFirst.length > 0) {
      const line = beforeFirst[0]?.line ?? 0;
      const lines = beforeFirst.map((entry) => entry.text);
      this.items.splice(start, 0, { kind: 'unclassified', lines, line, reason: 'output before any command in its block' });
    }
  }

  /** Lines outside fences: prompts anywhere; in plain text also bare commands, headings and glued text. */
  loose(lines: SourceLine[], mode: Exclude<Mode, 'fence'>, documentStart: boolean): void {
    let titleDone = !documentStart || mode === 'markdown';
    for (const entry of mode === 'plain' ? lines.flatMap(unglue(this.report)) : lines) {
      if (this.continue(entry)) continue;
      const { text } = entry;
      if (text.trim() === '') {
        this.blanks++;
        if (mode === 'markdown' && !this.current && this.items.at(-1)?.kind === 'prose') this.prose(entry, mode);
        if (mode === 'plain') this.openGroup = undefined;
        continue;
      }
      const afterBlank = this.blanks > 0;
      this.blanks = 0;
      if (!titleDone) {
        titleDone = true;
        if (text.trim().length <= 100 && !looksLikeCommand(text) && !parsePrompt(text)) {
          this.items.push({ kind: 'heading', depth: 1, text: text.trim(), line: entry.line });
          continue;
        }
      }
      const prompt = parsePrompt(text);
      if (prompt && !entry.output) {
        this.flushOrphan();
        if (prompt.command !== '') this.startCommand(prompt.command, entry.line, true, prompt.host, prompt.user);
        continue;
      }
      if (mode === 'plain' && !entry.output && looksLikeCommand(text)) {
        this.flushOrphan();
        this.startCommand(text, entry.line, false);
        continue;
      }
      if (this.current && (entry.output || this.continuesOutput(text, afterBlank, mode))) {
        this.addOutput(text, afterBlank);
        continue;
      }
      this.endCommand();
      const orphanGoesOn = this.orphan.length > 0 && !afterBlank && this.continuesOutput(text, afterBlank, mode);
      if (mode === 'plain' && (entry.output || OUTPUT_LOOK.test(text) || orphanGoesOn)) {
        this.orphan.push(entry);
        continue;
      }
      this.flushOrphan();
      if (mode === 'plain' && isHeadingLike(text) && (afterBlank || this.dense || this.items.length === 0)) {
        this.items.push({ kind: 'heading', depth: 2, text: text.trim(), line: entry.line });
        continue;
      }
      this.prose(entry, mode, afterBlank);
    }
    this.endCommand();
    this.flushOrphan();
  }

  finish(): DocItem[] {
    this.endCommand();
    this.flushOrphan();
    this.flushComments();
    return this.items;
  }

  /** A line that continues the current command (`\`, heredoc); true when it was consumed. */
  private continue(entry: SourceLine): boolean {
    const command = this.current;
    const continuation = this.continuation;
    if (!command || !continuation) return false;
    // A transcript shows continuation lines after the shell's `> ` prompt.
    const text = command.prompted && /^> /.test(entry.text) ? entry.text.slice(2) : entry.text;
    command.text += `\n${text}`;
    if (continuation.kind === 'heredoc') {
      if (endsHeredoc(text, continuation)) this.continuation = undefined;
    } else {
      this.continuation = continuationOf(text);
    }
    return true;
  }

  private startCommand(text: string, line: number, prompted: boolean, host?: string, user?: string): void {
    this.endCommand();
    const group = prompted ? undefined : (this.openGroup ?? ++this.groups);
    this.current = {
      text,
      line,
      prompted,
      output: [],
      comments: this.comments,
      ...(host !== undefined && { promptHost: host }),
      ...(user !== undefined && { promptUser: user }),
      ...(group !== undefined && { group }),
      ...(this.block !== undefined && { block: this.block }),
    };
    this.comments = [];
    this.openGroup = group;
    this.continuation = continuationOf(text);
  }

  private addOutput(text: string, afterBlank = this.blanks > 0): void {
    const command = this.current;
    if (!command) return;
    if (afterBlank && command.output.length > 0) command.output.push('');
    command.output.push(text);
    this.openGroup = undefined;
  }

  /**
   * After a command, a line is its output unless it reads as prose or (after a blank) a heading.
   * Right under the command only a full sentence ends the output: "hi from the demo" is output.
   */
  private continuesOutput(text: string, afterBlank: boolean, mode: Exclude<Mode, 'fence'>): boolean {
    const sentence = afterBlank || (/^[A-Z]/.test(text.trim()) && /[.:!?]$/.test(text.trim()));
    if (sentence && isProseLike(text) && !OUTPUT_LOOK.test(text)) return false;
    if (mode === 'plain' && isHeadingLike(text) && (afterBlank || this.dense)) return false;
    if (afterBlank && isShortSentence(text)) return false;
    if (mode === 'markdown' && afterBlank && /^\s*(?:[-*+]|\d+\.)\s/.test(text)) return false;
    return true;
  }

  private endCommand(): void {
    const command = this.current;
    if (!command) return;
    this.current = undefined;
    this.continuation = undefined;
    this.blanks = 0;
    while (command.output.at(-1)?.trim() === '') command.output.pop();
    this.items.push({ kind: 'command', command });
  }

  private flushComments(): void {
    if (this.comments.length === 0) return;
    this.items.push({ kind: 'prose', text: this.comments.join('\n'), line: 0 });
    this.comments = [];
  }

  private flushOrphan(): void {
    if (this.orphan.length === 0) return;
    this.unclassified(this.orphan, 'output with no command before it');
    this.orphan = [];
  }

  private unclassified(lines: SourceLine[], reason: string): void {
    const line = lines[0]?.line ?? 0;
    this.items.push({ kind: 'unclassified', lines: lines.map((entry) => entry.text), line, reason });
  }

  /**
   * Prose. Markdown keeps its lines as they are. Plain text: lines without a blank between make one
   * paragraph; in dense (scraped) text every line is one, except fragments that continue the line
   * before (`and client.yaml`, `:`), left over from inline code the scraper put on lines of their own.
   */
  private prose(entry: SourceLine, mode: Exclude<Mode, 'fence'>, afterBlank = false): void {
    const previous = this.items.at(-1);
    if (mode === 'markdown') {
      if (previous?.kind === 'prose' && previous.line > 0) previous.text += `\n${entry.text}`;
      else this.items.push({ kind: 'prose', text: entry.text, line: entry.line });
      return;
    }
    const text = entry.text.trim();
    const fragment = /^[a-z:;,.)]/.test(text) && !looksLikeCommand(text);
    if ((previous?.kind === 'prose' || previous?.kind === 'heading') && previous.line > 0 && !afterBlank) {
      if (fragment || (!this.dense && previous.kind === 'prose')) {
        const joiner = /^[:;,.)]/.test(text) ? '' : this.dense || fragment ? ' ' : '\n';
        const joined = `${previous.text}${joiner}${text}`;
        this.items[this.items.length - 1] = { kind: 'prose', text: joined, line: previous.line };
        return;
      }
    }
    this.items.push({ kind: 'prose', text, line: entry.line });
  }
}
