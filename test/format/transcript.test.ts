import { describe, expect, it } from 'vitest';
import { LineError } from '../../src/errors.js';
import { isTranscript, parseTranscript } from '../../src/format/transcript.js';

describe('isTranscript', () => {
  it.each([
    ['$ echo hi', true],
    ['\n\n$ echo hi\nhi', true],
    ['$', true],
    ['echo $HOME', false],
    ['$HOME/bin/tool', false],
    ['  $ indented', false],
    ['', false],
  ])('%j is a transcript: %s', (text, expected) => {
    expect(isTranscript(text)).toBe(expected);
  });
});

describe('parseTranscript', () => {
  it('splits into one command per "$ " line with the lines below as its expected output', () => {
    expect(parseTranscript('$ echo a\na\n$ printf "b\\nc\\n"\nb\nc', 10)).toEqual([
      { command: 'echo a', line: 10, expected: ['a'], expectedLine: 11 },
      { command: 'printf "b\\nc\\n"', line: 12, expected: ['b', 'c'], expectedLine: 13 },
    ]);
  });

  it('joins "> " continuation lines to the command with a newline; output starts below them', () => {
    const [command] = parseTranscript('$ cat <<EOF\n> one\n> two\n>\n> EOF\none\ntwo', 1);
    expect(command).toEqual({ command: 'cat <<EOF\none\ntwo\n\nEOF', line: 1, expected: ['one', 'two'], expectedLine: 6 });
  });

  it('treats a "> " line after output as output, not as a continuation', () => {
    const [command] = parseTranscript('$ cat quote.md\nintro\n> quoted', 1);
    expect(command?.command).toBe('cat quote.md');
    expect(command?.expected).toEqual(['intro', '> quoted']);
  });

  it('takes a cram [N] last line as the exit status and drops it from the output', () => {
    const [failing, passing] = parseTranscript('$ false\n[1]\n$ grep x nothing\nnot found\n  [2]  \n\n$ true', 1);
    expect(failing).toMatchObject({ command: 'false', expected: [], exit: 1 });
    expect(passing).toMatchObject({ command: 'grep x nothing', expected: ['not found'], exit: 2 });
  });

  it('leaves [N] in the output when it is not the last line', () => {
    const [command] = parseTranscript('$ cat list\n[1]\nmore', 1);
    expect(command?.exit).toBeUndefined();
    expect(command?.expected).toEqual(['[1]', 'more']);
  });

  it('drops trailing blank lines but keeps blank lines inside the output', () => {
    const [command] = parseTranscript('$ x\na\n\nb\n\n\n', 1);
    expect(command?.expected).toEqual(['a', '', 'b']);
  });

  it('gives a command with no output an empty expectation', () => {
    const [command] = parseTranscript('$ true', 7);
    expect(command).toEqual({ command: 'true', line: 7, expected: [], expectedLine: 8 });
  });

  it('skips blank lines before the first command', () => {
    const [command] = parseTranscript('\n\n$ true', 1);
    expect(command?.line).toBe(3);
  });

  it('rejects output before the first command, at that line', () => {
    let error: unknown;
    try {
      parseTranscript('\nhello\n$ echo', 20);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(LineError);
    expect(error).toMatchObject({ line: 21, message: 'a transcript must start with a "$ " command line' });
  });

  it('rejects a cram exit status above 255, at its line', () => {
    expect(() => parseTranscript('$ x\nout\n[300]', 5)).toThrow(
      expect.objectContaining({ line: 7, message: 'exit status [300] must be from 0 to 255' }),
    );
  });
});
