import { lexer, type Token, type Tokens } from 'marked';
import { LineError, TutorialError } from '../errors.js';
import { SLUG, SLUG_RULE } from '../safe-paths.js';
import { parseAttributes, type StepAttributes, splitInfoString } from './attributes.js';
import { type FrontMatter, parseFrontMatter } from './front-matter.js';
import { slugify } from './slugify.js';
import { isTranscript, parseTranscript } from './transcript.js';
import type { Step, Tutorial } from './tutorial.js';

const SHELL_LANGUAGES = new Set(['sh', 'bash', 'shell', 'console']);
/** Commands that ask again before running even in run-all mode (SPEC section 3, `confirm`). */
// Also inside a script's name (`./create_iptables.sh`): `_` does not end a word for \b.
export const DESTRUCTIVE = /(?<![A-Za-z0-9])(delete|iptables|ip6tables|sudo)(?![A-Za-z0-9])/;

/**
 * Parses a tutorial's Markdown (with optional YAML front matter) into the `Tutorial` model.
 * Pure: `file` is used for error messages and `Tutorial.file` only. `id` (the file's name) is
 * the tutorial's id unless the front matter gives one.
 * Throws `TutorialError` (file:line) on anything malformed.
 */
export function parseTutorial(markdown: string, file: string, id: string): Tutorial {
  const source = markdown.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const { frontMatter, body, bodyLine } = splitFrontMatter(source, file);
  // The id names directories that -u writes and deletes (snapshots/<id>/): `..md` gave `.`.
  if (frontMatter.id === undefined && !SLUG.test(id)) {
    throw new TutorialError(
      file,
      1,
      `the tutorial id ${JSON.stringify(id)} (from the file name) is not ${SLUG_RULE}: rename the file, or give one in the front matter (id: my-tutorial)`,
    );
  }
  const builder = new StepBuilder(body.split('\n'), bodyLine);
  try {
    builder.walk(lexer(body), 0);
  } catch (error) {
    if (error instanceof LineError) throw new TutorialError(file, error.line, error.message);
    throw error;
  }
  const tutorial: Tutorial = {
    id: frontMatter.id ?? id,
    file,
    title: frontMatter.title ?? builder.firstHeading ?? id,
    requires: frontMatter.requires,
    targets: frontMatter.targets,
    variables: frontMatter.variables,
    steps: builder.steps,
    frontMatterLine: bodyLine > 1 ? 1 : 0,
    ...(builder.closing !== '' && { closing: builder.closing }),
  };
  checkReferences(tutorial);
  return tutorial;
}

function splitFrontMatter(source: string, file: string): { frontMatter: FrontMatter; body: string; bodyLine: number } {
  const empty: FrontMatter = { requires: [], targets: {}, variables: {} };
  if (!/^---[ \t]*\n/.test(source)) return { frontMatter: empty, body: source, bodyLine: 1 };
  const lines = source.split('\n');
  const close = lines.findIndex((line, index) => index > 0 && /^(---|\.\.\.)[ \t]*$/.test(line));
  if (close === -1) throw new TutorialError(file, 1, 'front matter starts with --- but is never closed');
  const frontMatter = parseFrontMatter(lines.slice(1, close).join('\n'), file, 2);
  return { frontMatter, body: lines.slice(close + 1).join('\n'), bodyLine: close + 2 };
}

/** Walks marked's tokens in document order, turning shell blocks into steps. */
class StepBuilder {
  readonly steps: Step[] = [];
  private readonly names = new Set<string>();
  firstHeading: string | undefined;
  private section = '';
  private readonly sectionCounts = new Map<string, number>();
  private prose: string[] = [];
  /** Everything since the last shell block, headings included: the next step's lead, or the closing prose. */
  private page: string[] = [];
  /** Steps of the last shell block while only blank space follows it: an output block may attach. */
  private lastBlockSteps: Step[] = [];
  /** Index into `lines` from which nested tokens are searched for. */
  private cursor = 0;

  constructor(
    private readonly lines: string[],
    private readonly firstLine: number,
  ) {}

  get closing(): string {
    return this.page.join('').trim();
  }

  /**
   * `start` is the body line index where `tokens` begin when it is known exactly (top level).
   * `firstIndex` is the line of the first token alone (a list item's, which `locate` cannot find).
   */
  walk(tokens: Token[], start: number | undefined, firstIndex?: number): void {
    let at = start;
    tokens.forEach((token, position) => {
      // Blank space holds no step, and locating its empty first line could jump to any later blank line.
      if (at === undefined && token.type === 'space') {
        this.visit(token, this.cursor);
        return;
      }
      const index = at ?? (position === 0 && firstIndex !== undefined ? firstIndex : this.locate(token.raw));
      this.cursor = at === undefined ? index + 1 : Math.max(this.cursor, at);
      this.visit(token, index);
      if (at !== undefined) at += countNewlines(token.raw);
    });
  }

  private visit(token: Token, index: number): void {
    switch (token.type) {
      case 'space':
        this.prose.push(token.raw);
        this.page.push(token.raw);
        return;
      case 'heading':
        this.page.push(token.raw);
        this.section = token.text;
        this.firstHeading ??= token.depth === 1 ? token.text : undefined;
        this.prose = [];
        this.lastBlockSteps = [];
        return;
      case 'code':
        this.code(token as Tokens.Code, index);
        return;
      case 'list':
        if (!containsCode(token)) break;
        // Items are searched for from the list's own line: the walk has already moved the cursor past it.
        this.cursor = index;
        for (const item of (token as Tokens.List).items) {
          this.cursor = this.locate(item.raw);
          // The item's first token sits on the marker's line (`- `, `1. `), which the marker hides from `locate`.
          this.walk(item.tokens, undefined, this.cursor);
        }
        this.lastBlockSteps = [];
        return;
      case 'blockquote':
        if (!containsCode(token)) break;
        this.cursor = index;
        this.walk((token as Tokens.Blockquote).tokens, undefined);
        this.lastBlockSteps = [];
        return;
    }
    // Everything else is prose; a list or quote without code blocks keeps its raw Markdown (markers included).
    this.prose.push(token.raw);
    this.page.push(token.raw);
    this.lastBlockSteps = [];
  }

  /** Body line index at or after the cursor whose text (less indentation and `>`) starts `raw`. */
  private locate(raw: string): number {
    const first = stripContainer(raw.split('\n')[0] ?? '');
    for (let index = this.cursor; index < this.lines.length; index++) {
      if (stripContainer(this.lines[index] ?? '') === first) return index;
    }
    return this.cursor;
  }

  private code(token: Tokens.Code, index: number): void {
    const fenceLine = this.firstLine + index;
    const fenced = /^\s*(```|~~~)/.test(token.raw);
    // marked runs a fence that is never closed to the end of the document (or of its list item
    // or quote): every step after it vanished into one block, silently.
    const opener = fenced ? unclosedFence(token.raw) : undefined;
    if (opener !== undefined) throw new LineError(`this code block is never closed: add a line ${opener} to end it`, fenceLine);
    const { lang, attributes: attributeText } = splitInfoString(fenced ? infoString(token.raw) : '');
    const isShell = SHELL_LANGUAGES.has(lang);
    const wantsAttributes = isShell || lang === 'output' || lang === 'text';
    let attributes: StepAttributes = {};
    if (wantsAttributes) {
      try {
        attributes = parseAttributes(attributeText);
      } catch (error) {
        throw new LineError((error as Error).message, fenceLine);
      }
    }
    if (lang === 'output' || attributes.output) {
      this.attachOutput(token, index);
      return;
    }
    if (!isShell) {
      this.prose.push(token.raw);
      this.page.push(token.raw);
      this.lastBlockSteps = [];
      return;
    }
    const steps =
      lang === 'console' || isTranscript(token.text)
        ? this.transcriptSteps(token, index, attributes)
        : [this.makeStep(token.text, fenceLine + 1, 'script', attributes)];
    this.lastBlockSteps = steps;
    this.prose = [];
    const lead = this.page.join('').trim();
    if (lead !== '' && steps[0]) steps[0].lead = lead;
    this.page = [];
  }

  private transcriptSteps(token: Tokens.Code, index: number, attributes: StepAttributes): Step[] {
    const fenceLine = this.firstLine + index;
    const commands = parseTranscript(token.text, fenceLine + 1);
    const prefix = this.blockPrefix(token.raw, index);
    if (commands.length === 0) throw new LineError('a console block needs at least one "$ " command', fenceLine);
    return commands.map((command, index) => {
      const name = attributes.name !== undefined && commands.length > 1 ? `${attributes.name}-${index + 1}` : attributes.name;
      const step = this.makeStep(command.command, command.line, 'command', {
        ...attributes,
        ...(name !== undefined && { name }),
        ...(attributes.exit === undefined && command.exit !== undefined && { exit: command.exit }),
      });
      if (command.expected.length > 0 || command.exit !== undefined) {
        const span = { line: command.expectedLine, lineCount: command.expected.length, prefix, block: 'transcript' as const };
        step.expected = { lines: command.expected, line: command.expectedLine, span };
      }
      return step;
    });
  }

  private makeStep(command: string, line: number, kind: Step['kind'], attributes: StepAttributes): Step {
    // Counted per slug, not per heading text: `Run server` and `Run Server!` would otherwise both give run-server-1.
    const prefix = slugify(this.section) || 'step';
    const count = (this.sectionCounts.get(prefix) ?? 0) + 1;
    this.sectionCounts.set(prefix, count);
    const name = attributes.name ?? `${prefix}-${count}`;
    if (this.names.has(name)) {
      throw new LineError(`duplicate step name "${name}"`, line);
    }
    const step: Step = {
      name,
      section: this.section,
      prose: this.prose.join('').trim(),
      kind,
      command,
      line,
      host: attributes.host ?? 'local',
      background: attributes.background ?? false,
      exit: attributes.exit ?? 0,
      expect: attributes.expect ?? 'lines',
      confirm: attributes.confirm ?? DESTRUCTIVE.test(command),
      teardown: attributes.teardown ?? false,
      interactive: attributes.interactive ?? false,
      ...(attributes.targets && { targets: attributes.targets }),
      ...(attributes.ready && { ready: attributes.ready }),
      ...(attributes.timeout !== undefined && { timeout: attributes.timeout }),
      ...(attributes.cwd !== undefined && { cwd: attributes.cwd }),
      ...(attributes.retry && { retry: attributes.retry }),
      ...(attributes.stop !== undefined && { stop: attributes.stop }),
    };
    if (step.ready && !step.background) throw new LineError('ready only applies to background=true steps', line);
    this.steps.push(step);
    this.names.add(step.name);
    return step;
  }

  private attachOutput(token: Tokens.Code, index: number): void {
    const fenceLine = this.firstLine + index;
    const step = this.lastBlockSteps.at(-1);
    if (!step) throw new LineError('an output block must directly follow a sh, bash, shell or console block', fenceLine);
    if (step.expected && step.expected.lines.length > 0) {
      throw new LineError(`step "${step.name}" already shows its output in the transcript`, fenceLine);
    }
    // The lines between the fences, counted in the source: marked's text of an empty block is one empty line.
    const lineCount = fenceLines(token.raw).length - 2;
    const span = { line: fenceLine + 1, lineCount, prefix: this.blockPrefix(token.raw, index), block: 'fence' as const };
    step.expected = { lines: token.text.split('\n'), line: fenceLine + 1, span };
    this.lastBlockSteps = [];
  }

  /**
   * What stands before a fenced block's lines in the source (a quote's `> `, a list item's
   * indentation): read off its first non-blank line inside the fences, else off the opening
   * fence, whose list marker (`- `, `1. `) stands for as many spaces.
   */
  private blockPrefix(raw: string, fenceIndex: number): string {
    const lines = fenceLines(raw);
    for (let offset = 1; offset < lines.length - 1; offset++) {
      const text = lines[offset] ?? '';
      const source = this.lines[fenceIndex + offset] ?? '';
      if (text.trim() !== '' && source.endsWith(text)) return source.slice(0, source.length - text.length);
    }
    const opener = lines[0] ?? '';
    const source = this.lines[fenceIndex] ?? '';
    return source.endsWith(opener) ? source.slice(0, source.length - opener.length).replace(/[^\s>]/g, ' ') : '';
  }
}

/** Hosts, targets and `stop=` must name things the tutorial declares. */
function checkReferences(tutorial: Tutorial): void {
  const targetNames = Object.keys(tutorial.targets);
  const hostNames = new Set(['local', ...Object.values(tutorial.targets).flatMap((target) => Object.keys(target.hosts))]);
  const background = new Set<string>();
  for (const step of tutorial.steps) {
    if (!hostNames.has(step.host)) {
      const known = [...hostNames].join(', ');
      throw new TutorialError(tutorial.file, step.line, `unknown host "${step.host}" (hosts of this tutorial: ${known})`);
    }
    for (const target of step.targets ?? []) {
      if (!targetNames.includes(target)) {
        const known = targetNames.length > 0 ? targetNames.join(', ') : 'none declared';
        throw new TutorialError(tutorial.file, step.line, `unknown target "${target}" (targets: ${known})`);
      }
    }
    if (step.stop !== undefined && !background.has(step.stop)) {
      throw new TutorialError(tutorial.file, step.line, `stop=${step.stop} names no background step above it`);
    }
    if (step.background) background.add(step.name);
  }
}

/**
 * The info string of a fenced block, from its opening line. marked's `lang` has backslash escapes
 * already removed, which would turn `ready="say \"hi\""` into an unterminated value.
 */
function infoString(raw: string): string {
  return /^[ \t]*(?:`{3,}|~{3,})(.*)$/.exec(raw.split('\n')[0] ?? '')?.[1] ?? '';
}

/** The opening fence (```` ``` ````, `~~~~`…) of a fenced block's raw text when no line closes it. */
function unclosedFence(raw: string): string | undefined {
  const lines = raw.replace(/\s+$/, '').split('\n');
  const opener = /^[ \t]*(`{3,}|~{3,})/.exec(lines[0] ?? '')?.[1] ?? '';
  const closer = lines.length > 1 ? /^[ \t]*(`{3,}|~{3,})[ \t]*$/.exec(lines.at(-1) ?? '')?.[1] : undefined;
  const closes = closer !== undefined && closer[0] === opener[0] && closer.length >= opener.length;
  return closes ? undefined : opener;
}

/** True when a list or quote holds a code block somewhere inside (possibly a step). */
function containsCode(token: Token): boolean {
  if (token.type === 'code') return true;
  const children: Token[] = token.type === 'list' ? [...(token as Tokens.List).items] : [];
  if ('tokens' in token && token.tokens) children.push(...token.tokens);
  return children.some(containsCode);
}

/** A fenced block's lines, opening and closing fence included (marked's raw may end in newlines). */
function fenceLines(raw: string): string[] {
  return raw.replace(/\n+$/, '').split('\n');
}

function countNewlines(text: string): number {
  let count = 0;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

function stripContainer(line: string): string {
  return line.replace(/^[\s>]*/, '').trimEnd();
}
