import type { DocItem, DraftHost, DraftPart, DraftStep, ImportReport, SourceCommand } from './draft-model.js';
import { quote } from './format-report.js';
import { HostDirectory } from './host-directory.js';
import { hostOfProse } from './prose-hosts.js';
import { executableOf } from './shell-lines.js';
import {
  guessExitStatus,
  guessReadiness,
  isCleanupHeading,
  isInteractive,
  isJobControl,
  isLongRunning,
  loginOf,
  withoutTrailingAmpersand,
} from './step-traits.js';

export interface BuiltDraft {
  title: string;
  parts: DraftPart[];
  targets: Record<string, Record<string, DraftHost>>;
  requires: string[];
}

/** Tools worth checking for before a run (a preflight), when a local step uses them. */
const REQUIRABLE = new Set(
  'gcloud gsutil kubectl helm istioctl go docker podman python3 node npm curl git jq openssl protoc terraform grpcurl'.split(' '),
);

/** A line the author put for output left out: it matches any number of lines. */
const SNIP = /^\s*(?:\.{3}|…|\[\.{3}\]|\.{3}\s*snip\s*\.{3}|<snip>|\[snip\]|\(snip\)|\.{3}\s*\(?truncated\)?)\s*$/i;

/** Prose that announces output: "You should see", "similar to this". */
const OUTPUT_CUE = /\b(?:should see|will see|you'?ll see|output|returns?|prints?|similar to|looks? like|response)\b/i;

/**
 * Turns classified items into the draft: steps with hosts, background and readiness, teardown
 * sections, interactive steps; log-ins and job control dropped; output blocks that follow a
 * command under "You should see…" attached to it. Every guess goes into the report.
 */
export function buildDraft(items: DocItem[], report: ImportReport): BuiltDraft {
  return new DraftBuilder(items, report).build();
}

class DraftBuilder {
  private readonly parts: DraftPart[] = [];
  private readonly groups = new Map<DraftStep, number>();
  private section = '';
  private teardownDepth: number | undefined;
  private teardownSteps = 0;
  private teardownLine = 0;
  private proseHost: string | undefined;
  private login: { host: string; block: number | undefined } | undefined;
  private readonly hosts: HostDirectory;

  constructor(
    private readonly items: DocItem[],
    private readonly report: ImportReport,
  ) {
    this.hosts = new HostDirectory(items);
  }

  build(): BuiltDraft {
    for (const item of this.items) {
      switch (item.kind) {
        case 'heading':
          this.heading(item.depth, item.text, item.line);
          break;
        case 'prose':
          this.prose(item.text, item.line);
          break;
        case 'command':
          this.command(item.command);
          break;
        case 'block':
          if (!item.outputOnly || !this.attachOutput(item.lines, item.line)) {
            // Output shown in a `bash` block is not a step: it is kept as text.
            this.parts.push({ kind: 'block', lang: item.outputOnly ? 'text' : item.lang, lines: item.lines });
          }
          break;
        case 'unclassified':
          if (item.reason.startsWith('output') && this.attachOutput(item.lines, item.line)) break;
          this.parts.push({ kind: 'unclassified', lines: item.lines, line: item.line, reason: item.reason });
          this.report.unclassified.push({ line: item.line, text: item.lines.join('\n'), reason: item.reason });
          break;
      }
    }
    this.endTeardown();
    const steps = this.parts.flatMap((part) => (part.kind === 'step' ? [part.step] : []));
    for (const step of steps) {
      this.snipOutput(step);
      this.guessExit(step);
    }
    return { title: this.title(), parts: this.parts, targets: this.hosts.targets(steps, this.report), requires: this.requires(steps) };
  }

  private heading(depth: number, text: string, line: number): void {
    this.proseHost = undefined;
    this.login = undefined;
    this.section = text;
    if (this.teardownDepth !== undefined && depth <= this.teardownDepth && !isCleanupHeading(text)) this.endTeardown();
    if (this.teardownDepth === undefined && isCleanupHeading(text)) {
      this.teardownDepth = depth;
      this.teardownLine = line;
      this.teardownSteps = 0;
    }
    this.parts.push({ kind: 'heading', depth, text });
  }

  private endTeardown(): void {
    if (this.teardownDepth === undefined) return;
    if (this.teardownSteps > 0) {
      const message =
        this.teardownSteps > 1
          ? `teardown: the ${this.teardownSteps} steps of a clean-up section run at the end, in reverse order (check that this order works)`
          : 'teardown: the step of a clean-up section runs at the end';
      this.report.guesses.push({ line: this.teardownLine, message });
    }
    this.teardownDepth = undefined;
  }

  private prose(text: string, line: number): void {
    const host = hostOfProse(text, this.hosts.knownNames());
    if (host !== undefined) {
      this.proseHost = host;
      if (line > 0)
        this.report.guesses.push({
          line,
          message: `host: the commands after this line run on ${host === 'local' ? 'this machine (local)' : host}`,
        });
    }
    this.parts.push({ kind: 'prose', text });
  }

  private command(source: SourceCommand): void {
    const text = source.text;
    if (isJobControl(text)) {
      this.report.guesses.push({ line: source.line, message: `dropped ${quote(text)}: the run starts and stops background steps itself` });
      return;
    }
    const login = loginOf(text);
    if (login) {
      this.hosts.addLogin(login);
      this.login = { host: login.host, block: source.block };
      this.report.guesses.push({
        line: source.line,
        message: `dropped ${quote(text)}: it logs in to ${login.host}, so the commands after it in the same ${source.block === undefined ? 'section' : 'block'} run on host ${login.host}`,
      });
      return;
    }
    if (this.login && this.login.block !== source.block) this.login = undefined;
    const host = source.promptHost ?? this.login?.host ?? this.proseHost ?? 'local';
    const background = isLongRunning(text);
    const interactive = isInteractive(text);
    const teardown = this.teardownDepth !== undefined;
    const command = background ? withoutTrailingAmpersand(text) : text;
    const previous = this.parts.at(-1);
    if (
      source.group !== undefined &&
      source.comments.length === 0 &&
      previous?.kind === 'step' &&
      this.groups.get(previous.step) === source.group &&
      this.canJoin(previous.step, { host, background, interactive, teardown })
    ) {
      previous.step.command += `\n${command}`;
      previous.step.script = true;
      previous.step.output = [...source.output];
      previous.step.originalOutput = [...source.output];
      return;
    }
    if (source.comments.length > 0) this.parts.push({ kind: 'prose', text: source.comments.join('\n') });
    const step: DraftStep = {
      name: '',
      command,
      line: source.line,
      host,
      output: [...source.output],
      originalOutput: [...source.output],
      script: false,
      background,
      teardown,
      interactive,
      section: this.section,
    };
    if (background) this.guessReady(step);
    if (interactive) {
      this.report.guesses.push({ line: source.line, message: `interactive: ${quote(text)} needs a terminal; its output is not checked` });
    }
    if (teardown) this.teardownSteps++;
    if (source.group !== undefined) this.groups.set(step, source.group);
    this.parts.push({ kind: 'step', step });
  }

  private canJoin(step: DraftStep, next: { host: string; background: boolean; interactive: boolean; teardown: boolean }): boolean {
    return (
      step.output.length === 0 &&
      !step.background &&
      !step.interactive &&
      !next.background &&
      !next.interactive &&
      step.host === next.host &&
      step.teardown === next.teardown
    );
  }

  private guessReady(step: DraftStep): void {
    const guess = guessReadiness(step.command, step.output);
    if (guess.ready !== undefined) step.ready = guess.ready;
    const readiness =
      guess.ready === undefined ? `no ready= (${guess.why}): later steps start right away` : `ready=${guess.ready} (${guess.why})`;
    this.report.guesses.push({ line: step.line, message: `background: ${quote(step.command)} keeps running; ${readiness}` });
  }

  /**
   * Output shown in a block of its own after prose such as "You should see…" belongs to the
   * command before it, when that command is in the same section and shows no output yet. The
   * prose in between moves above the command, so that the output directly follows it.
   */
  private attachOutput(lines: string[], line: number): boolean {
    let index = this.parts.length - 1;
    const between: DraftPart[] = [];
    for (; index >= 0 && this.parts[index]?.kind === 'prose'; index--) between.unshift(this.parts[index] as DraftPart);
    const target = this.parts[index];
    if (target?.kind !== 'step' || target.step.output.length > 0 || target.step.background || target.step.interactive) return false;
    if (target.step.section !== this.section) return false;
    if (between.length > 0 && !between.some((part) => part.kind === 'prose' && OUTPUT_CUE.test(part.text))) return false;
    const output = [...lines];
    while (output.at(-1)?.trim() === '') output.pop();
    while (output[0]?.trim() === '') output.shift();
    if (output.length === 0) return false;
    target.step.output = output;
    target.step.originalOutput = [...output];
    this.parts.splice(index, this.parts.length - index, ...between, target);
    this.report.guesses.push({
      line,
      message: `output: the block at line ${line} is taken as the output of ${quote(target.step.command)} (line ${target.step.line})`,
    });
    return true;
  }

  private guessExit(step: DraftStep): void {
    const status = guessExitStatus(step.command, step.output);
    if (status === undefined) return;
    step.exit = status;
    this.report.guesses.push({ line: step.line, message: `exit: ${quote(step.command)} is shown failing; expected exit status ${status}` });
  }

  private snipOutput(step: DraftStep): void {
    const snipped = step.output.find((line) => SNIP.test(line) && line.trim() !== '...');
    if (snipped === undefined) return;
    step.output = step.output.map((line) => (SNIP.test(line) ? '...' : line));
    step.originalOutput = step.originalOutput.map((line) => (SNIP.test(line) ? '...' : line));
    this.report.guesses.push({
      line: step.line,
      message: `output: ${quote(snipped)} in the output of ${quote(step.command)} marks lines left out; written as "..." (any lines)`,
    });
  }

  private title(): string {
    const headings = this.parts.flatMap((part) => (part.kind === 'heading' ? [part] : []));
    const heading = headings.find((part) => part.depth === 1) ?? headings[0];
    return heading?.text.replace(/[`*_]/g, '').trim() ?? '';
  }

  private requires(steps: DraftStep[]): string[] {
    const tools = new Set<string>();
    let firstLine = 0;
    for (const step of steps) {
      if (step.host !== 'local') continue;
      for (const line of step.command.split('\n')) {
        const program = executableOf(line);
        if (!REQUIRABLE.has(program)) continue;
        tools.add(program);
        firstLine ||= step.line;
      }
    }
    const list = [...tools].sort();
    if (list.length > 0) this.report.guesses.push({ line: firstLine, message: `requires: ${list.join(', ')} (tools the local steps run)` });
    return list;
  }
}
