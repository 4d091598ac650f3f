import { LineError } from '../errors.js';

/** One `$ command` of a transcript block with the output shown under it. */
export interface TranscriptCommand {
  command: string;
  /** Source line of the `$ ` line. */
  line: number;
  expected: string[];
  /** Source line of the first expected line. */
  expectedLine: number;
  /** From a cram-style last expected line `[N]`. */
  exit?: number;
}

const EXIT_LINE = /^\[(\d{1,3})\]$/;

/** True when a block's first non-blank line starts a transcript (`$ ` prompt). */
export function isTranscript(text: string): boolean {
  const first = text.split('\n').find((line) => line.trim() !== '');
  return first !== undefined && /^\$( |$)/.test(first);
}

/**
 * Splits a transcript into commands: `$ ` starts one, `> ` lines continue it, and every other
 * line up to the next `$ ` is its expected output. `firstLine` is the source line of `text`'s
 * first line. Throws if output comes before the first command.
 */
export function parseTranscript(text: string, firstLine: number): TranscriptCommand[] {
  const commands: TranscriptCommand[] = [];
  let current: TranscriptCommand | undefined;
  let continuing = false;
  text.split('\n').forEach((line, index) => {
    const lineNumber = firstLine + index;
    if (/^\$( |$)/.test(line)) {
      current = { command: line.slice(2), line: lineNumber, expected: [], expectedLine: lineNumber + 1 };
      commands.push(current);
      continuing = true;
    } else if (current && continuing && /^>( |$)/.test(line)) {
      current.command += `\n${line.slice(2)}`;
      current.expectedLine = lineNumber + 1;
    } else if (current) {
      continuing = false;
      current.expected.push(line);
    } else if (line.trim() !== '') {
      throw new LineError('a transcript must start with a "$ " command line', lineNumber);
    }
  });
  for (const command of commands) {
    while (command.expected.length > 0 && command.expected.at(-1)?.trim() === '') command.expected.pop();
    const status = EXIT_LINE.exec(command.expected.at(-1)?.trim() ?? '');
    if (status) {
      command.exit = Number(status[1]);
      // An exit status above 255 can never happen: the step would fail on every run.
      if (command.exit > 255) {
        const line = command.expectedLine + command.expected.length - 1;
        throw new LineError(`exit status [${command.exit}] must be from 0 to 255`, line);
      }
      command.expected.pop();
    }
  }
  return commands;
}
