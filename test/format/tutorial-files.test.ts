import { describe, expect, it } from 'vitest';
import { LineError } from '../../src/errors.js';
import { decodeTutorialText, firstInvalidUtf8 } from '../../src/format/tutorial-text.js';
import { FENCE, lineOf, md, parse, parseError } from './helpers.js';

describe('tutorial ids', () => {
  it.each(['.', '..', 'My Tutorial', 'a_b', '-x', 'x.y', 'Ünï'])('refuses the file name id %j at line 1', (id) => {
    expect(() => parse(md('# T'), id)).toThrow(
      /^tutorials\/demo\.md:1: the tutorial id .* \(from the file name\) is not lower-case letters/,
    );
  });

  it('takes a slug id from the front matter, over a file name that is not one', () => {
    expect(parse(md('---', 'id: my-tutorial', '---', '# T'), '..').id).toBe('my-tutorial');
  });

  it.each(['../up', '.', 'A', 'a/b', ''])('refuses the front matter id %j at its line', (id) => {
    const text = md('---', 'title: T', `id: ${JSON.stringify(id)}`, '---', '# T');
    const error = parseError(text);
    expect(error.line).toBe(3);
    expect(error.problem).toMatch(/^front matter: id: an id is lower-case letters/);
  });
});

describe('unclosed fences', () => {
  it('a fence never closed is an error at the line it opened, not a swallowed rest of file', () => {
    const text = md('# T', '', `${FENCE}sh { name=one }`, 'echo one', '', '## Later', '', `${FENCE}sh { name=two }`, 'echo two');
    const error = parseError(text);
    expect(error.line).toBe(3);
    expect(error.problem).toBe('this code block is never closed: add a line ``` to end it');
  });

  it('a shorter closer does not close a longer fence', () => {
    const text = md('# T', '````sh', 'echo', FENCE);
    expect(parseError(text).problem).toBe('this code block is never closed: add a line ```` to end it');
  });

  it('an unclosed prose block and one inside a list item are errors too', () => {
    expect(parseError(md('# T', '', '~~~go', 'package main')).line).toBe(3);
    const inList = md('# T', '', '- step:', '', `  ${FENCE}sh`, '  echo hi', '', 'after');
    expect(parseError(inList).line).toBe(lineOf(inList, `  ${FENCE}sh`));
  });

  it('closed fences of every form still parse', () => {
    const text = md(
      '# T',
      `${FENCE}sh`,
      'echo a',
      `${FENCE}  `,
      '~~~~bash',
      'echo b',
      '~~~~~',
      '- item',
      `  ${FENCE}sh`,
      '  echo c',
      `  ${FENCE}`,
    );
    expect(parse(text).steps.map((step) => step.command)).toEqual(['echo a', 'echo b', 'echo c']);
  });
});

describe('decodeTutorialText', () => {
  const failure = (bytes: number[] | Buffer) => {
    try {
      decodeTutorialText(Buffer.from(bytes));
    } catch (error) {
      expect(error).toBeInstanceOf(LineError);
      return { line: (error as LineError).line, message: (error as LineError).message };
    }
    throw new Error('decoded');
  };

  it('refuses a byte that is not UTF-8 at its line', () => {
    expect(failure(Buffer.from('a\r\nb\rc\n\xff', 'latin1'))).toEqual({
      line: 4,
      message: 'not UTF-8 text (byte 0xff): a tutorial is a UTF-8 Markdown file',
    });
  });

  it('refuses binary data at the line of its first NUL', () => {
    expect(failure(Buffer.from('# T\n\nx\0y'))).toEqual({
      line: 3,
      message: 'binary data (a NUL byte): a tutorial is a UTF-8 Markdown file',
    });
  });

  it.each([
    ['overlong', [0xc0, 0x80]],
    ['surrogate', [0xed, 0xa0, 0x80]],
    ['past U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['cut short', [0x61, 0xe2, 0x82]],
  ])('refuses a %s sequence', (_, bytes) => {
    expect(failure(bytes as number[]).line).toBe(1);
  });

  it('keeps UTF-8 text as it is, BOM and all', () => {
    expect(decodeTutorialText(Buffer.from('\uFEFF# Café ✓ 🙂\n'))).toBe('\uFEFF# Café ✓ 🙂\n');
    expect(firstInvalidUtf8(Buffer.from('ok 🙂'))).toBe(-1);
  });
});
