import { basename, dirname } from 'node:path';
import { badEscape } from '../../check/cram-line-pattern.js';
import { TutorialError } from '../../errors.js';
import { SLUG } from '../../safe-paths.js';
import { DESTRUCTIVE } from '../parse-tutorial.js';
import { slugify } from '../slugify.js';
import type { Step, Tutorial } from '../tutorial.js';

/**
 * The reader of cram and prysk `.t` files (cram 0.7's `_test.py` is the reference). A line
 * `  $ cmd` is a command, `  > more` continues it, any other line indented by two spaces is its
 * expected output (`  ` alone is an empty line of output), and a last output line `  [N]` (N not 0)
 * is its exit status. Every other line, an empty one included, is prose. Every command is a step
 * checked by cram's rules (`expect: 'cram'`): no output shown means no output expected.
 *
 * Each file runs as cram runs it: a first step `cram-setup` sets cram's environment (`TESTDIR`,
 * `TESTFILE`, `TESTSHELL`, `CRAMTMP` (prysk's `PRYSK_TEMP`), `TMPDIR`/`TEMP`/`TMP`, `LANG`/`LC_ALL`/`LANGUAGE`=C,
 * `TZ`=GMT, `CDPATH`, `COLUMNS`=80, `GREP_OPTIONS`) and moves into a fresh directory
 * `$CRAMTMP/<file name>`; a teardown step `cram-cleanup` removes `$CRAMTMP`. Both are shown, as
 * every command a run runs is. `$CRAMTMP` is made by the variable `ALTS_CRAM_TMP`'s default.
 *
 * Pure: `path` is the file's absolute path (for `TESTDIR`), `file` the path messages show.
 * Throws `TutorialError` (file:line) where cram would read the file as something that can never
 * pass: output before the first command, output after prose, a `  > ` after output, a bad `(esc)`.
 */
export function parseCramTest(text: string, file: string, path: string): Tutorial {
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  if (lines.at(-1) === '') lines.pop();
  const commands: CramCommand[] = [];
  let prose: string[] = [];
  let current: CramCommand | undefined;
  /** What the last line was: a command (or continuation), output, or prose. */
  let last: 'command' | 'output' | 'prose' = 'prose';
  lines.forEach((line, index) => {
    const lineNumber = index + 1;
    if (line.startsWith(COMMAND)) {
      current = {
        command: line.slice(COMMAND.length),
        line: lineNumber,
        expected: [],
        expectedLine: lineNumber + 1,
        prose: prose.join('\n').trim(),
      };
      commands.push(current);
      prose = [];
      last = 'command';
    } else if (line.startsWith(CONTINUATION)) {
      if (!current || last !== 'command') {
        throw new TutorialError(file, lineNumber, 'a "  > " continuation line must follow a "  $ " command or another continuation');
      }
      current.command += `\n${line.slice(CONTINUATION.length)}`;
      current.expectedLine = lineNumber + 1;
    } else if (line.startsWith(INDENT)) {
      if (!current)
        throw new TutorialError(file, lineNumber, 'expected output before the first "  $ " command (prose lines are not indented)');
      if (last === 'prose') {
        throw new TutorialError(
          file,
          lineNumber,
          `expected output of the command at line ${current.line} after a line of prose: cram reads an empty line as prose, so write an empty output line as two spaces`,
        );
      }
      const expected = line.slice(INDENT.length);
      const problem = badEscape(expected);
      if (problem) throw new TutorialError(file, lineNumber, problem);
      current.expected.push(expected);
      last = 'output';
    } else {
      prose.push(line);
      last = 'prose';
    }
  });
  const name = basename(path);
  const steps: Step[] = [setupStep(name, dirname(path))];
  commands.forEach((command, index) => {
    steps.push(commandStep(command, index + 1));
  });
  steps.push(cleanupStep(lines.length));
  const closing = prose.join('\n').trim();
  return {
    id: cramId(name),
    file,
    title: name,
    requires: [],
    targets: {},
    // The run's directory is a variable: its value reaches the checker (prysk's `$TMPDIR` rule) and
    // the session (`resume` goes on in it, `cleanup` removes it). Only a name (`mktemp -u`), which
    // cram-setup makes: a run refused before its first step leaves nothing behind.
    variables: { [RUN_DIR]: { name: RUN_DIR, default: '$(mktemp -d -u "${TMPDIR:-/tmp}/cramtests-XXXXXX")', secret: false } },
    steps,
    frontMatterLine: 0,
    ...(closing !== '' && { closing }),
  };
}

/** The variable that holds `$CRAMTMP`: a name of its own, so that a `CRAMTMP` in the environment (alts-tutor run inside cram) is never taken and removed. */
export const RUN_DIR = 'ALTS_CRAM_TMP';

const INDENT = '  ';
const COMMAND = '  $ ';
const CONTINUATION = '  > ';
/** cram appends `[N]` only for a non-zero status: `[0]` is an output line like any other. */
const EXIT_LINE = /^\[([1-9]\d*)\]$/;

interface CramCommand {
  command: string;
  line: number;
  expected: string[];
  expectedLine: number;
  prose: string;
}

/** A tutorial id from the file name: `test-basic.t` → `test-basic`; a name with nothing sluggable → `cram`. */
export function cramId(fileName: string): string {
  const id = slugify(fileName.replace(/\.t$/, ''));
  return SLUG.test(id) ? id : 'cram';
}

function commandStep(command: CramCommand, index: number): Step {
  const expected = [...command.expected];
  const status = EXIT_LINE.exec(expected.at(-1) ?? '');
  if (status) expected.pop();
  return {
    ...baseStep(`cmd-${index}`, command.command, command.line, command.prose),
    exit: status ? Number(status[1]) : 0,
    expect: 'cram',
    // As in Markdown: run-all stops to ask before a command that deletes or uses sudo.
    confirm: DESTRUCTIVE.test(command.command),
    // No output shown is no output expected: cram fails a command that prints what its test does not show.
    expected: { lines: expected, line: command.expectedLine },
  };
}

function setupStep(fileName: string, testDir: string): Step {
  const dir = `"$CRAMTMP"/${shellQuote(fileName)}`;
  const command = [
    `export TESTDIR=${shellQuote(testDir)} TESTFILE=${shellQuote(fileName)} TESTSHELL="$BASH"`,
    'export LANG=C LC_ALL=C LANGUAGE=C TZ=GMT CDPATH= COLUMNS=80 GREP_OPTIONS=',
    // PRYSK_TEMP is prysk's name for it.
    `export CRAMTMP="$${RUN_DIR}" PRYSK_TEMP="$${RUN_DIR}"`,
    'export TMPDIR="$CRAMTMP/tmp" TEMP="$CRAMTMP/tmp" TMP="$CRAMTMP/tmp"',
    // mkdir, not mkdir -p: a directory someone made under that name in the meantime is refused, as mktemp would.
    `mkdir -m 700 "$CRAMTMP" && mkdir "$TMPDIR" ${dir} && cd ${dir}`,
  ].join('\n');
  return { ...baseStep('cram-setup', command, 1, ''), expect: 'none' };
}

function cleanupStep(lastLine: number): Step {
  // The variable, not $CRAMTMP: a command that ended the shell (`exit`) took the shell's exports with it.
  const command = `cd / && rm -rf -- "\${${RUN_DIR}:?}"`;
  return { ...baseStep('cram-cleanup', command, Math.max(lastLine, 1), ''), expect: 'none', teardown: true };
}

function baseStep(name: string, command: string, line: number, prose: string): Step {
  return {
    name,
    section: '',
    prose,
    kind: 'command',
    command,
    line,
    host: 'local',
    background: false,
    exit: 0,
    expect: 'cram',
    confirm: false,
    teardown: false,
    interactive: false,
  };
}

function shellQuote(text: string): string {
  return /^[A-Za-z0-9_./@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
