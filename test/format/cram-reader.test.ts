import { describe, expect, it } from 'vitest';
import { TutorialError } from '../../src/errors.js';
import { cramId, parseCramTest } from '../../src/format/readers/cram.js';

const FILE = 'dir/example.t';
const PATH = '/abs/dir/example.t';

function read(text: string) {
  return parseCramTest(text, FILE, PATH);
}

function errorOf(text: string): TutorialError {
  try {
    read(text);
  } catch (error) {
    if (error instanceof TutorialError) return error;
    throw error;
  }
  throw new Error('no error');
}

describe('the cram .t reader', () => {
  it('makes a step of each command, with its continuations, output and exit status', () => {
    const tutorial = read(
      [
        'Intro prose.',
        '',
        '  $ echo a',
        '  a',
        '  ',
        '  b',
        '  $ for x in 1; do',
        '  >   echo $x',
        '  > done',
        '  1',
        '  $ false',
        '  [1]',
        'Closing.',
      ].join('\n'),
    );
    const commands = tutorial.steps.filter((step) => step.name.startsWith('cmd-'));
    expect(commands.map((step) => [step.name, step.command, step.line, step.exit, step.expect])).toEqual([
      ['cmd-1', 'echo a', 3, 0, 'cram'],
      ['cmd-2', 'for x in 1; do\n  echo $x\ndone', 7, 0, 'cram'],
      ['cmd-3', 'false', 11, 1, 'cram'],
    ]);
    expect(commands.map((step) => step.expected)).toEqual([
      { lines: ['a', '', 'b'], line: 4 },
      { lines: ['1'], line: 10 },
      { lines: [], line: 12 },
    ]);
    expect(commands[0]?.prose).toBe('Intro prose.');
    expect(tutorial.closing).toBe('Closing.');
    expect(tutorial.id).toBe('example');
    expect(tutorial.title).toBe('example.t');
  });

  it('expects no output of a command that shows none, and reads [0] as an output line', () => {
    const [, silent, zero] = read('  $ true\n  $ echo "[0]"\n  [0]\n').steps;
    expect(silent?.expected).toEqual({ lines: [], line: 2 });
    expect(zero?.exit).toBe(0);
    expect(zero?.expected?.lines).toEqual(['[0]']);
  });

  it('sets up cram environment and directory first, and removes it in a teardown step', () => {
    const steps = read('  $ echo hi\n  hi\n').steps;
    const setup = steps[0];
    const cleanup = steps.at(-1);
    expect(setup?.name).toBe('cram-setup');
    expect(setup?.expect).toBe('none');
    expect(setup?.command).toContain('export TESTDIR=/abs/dir TESTFILE=example.t');
    expect(setup?.command).toContain('CRAMTMP=');
    expect(setup?.command).toContain('cd "$CRAMTMP"/example.t');
    expect(cleanup).toMatchObject({ name: 'cram-cleanup', teardown: true, expect: 'none' });
    // The directory's name only, made by the setup step: nothing exists before a step runs.
    expect(read('  $ true\n').variables.ALTS_CRAM_TMP?.default).toBe('$(mktemp -d -u "${TMPDIR:-/tmp}/cramtests-XXXXXX")');
    expect(setup?.command).toContain('mkdir -m 700 "$CRAMTMP"');
    expect(cleanup?.command).toContain('"${ALTS_CRAM_TMP:?}"');
  });

  it('asks before a command that deletes or uses sudo, as a Markdown step does', () => {
    const [, plain, sudo] = read('  $ echo hi\n  hi\n  $ sudo true\n').steps;
    expect([plain?.confirm, sudo?.confirm]).toEqual([false, true]);
  });

  it('quotes a test directory with spaces and quotes for the shell', () => {
    const setup = parseCramTest('  $ true\n', 'x.t', "/tmp/it's here/x.t").steps[0];
    expect(setup?.command).toContain("TESTDIR='/tmp/it'\\''s here'");
  });

  it.each([
    ['  out\n  $ echo\n', 1, /before the first/],
    ['  $ echo a\n  a\n  > more\n', 3, /continuation/],
    ['> $ echo\n  > more\n', 2, /continuation/],
    ['  $ echo a\n  a\n\n  b\n', 4, /empty output line as two spaces/],
    ['  $ printf x\n  bad \\xZZ (esc)\n', 2, /cannot decode/],
  ])('refuses %j at line %i', (text, line, message) => {
    const error = errorOf(text);
    expect(error.line).toBe(line);
    expect(error.message).toMatch(new RegExp(`^dir/example\\.t:${line}: `));
    expect(error.problem).toMatch(message);
  });

  it('takes the id from the file name, or "cram" when nothing of it is a slug', () => {
    expect(cramId('Test_Basic.t')).toBe('test-basic');
    expect(cramId('☃.t')).toBe('cram');
  });
});
