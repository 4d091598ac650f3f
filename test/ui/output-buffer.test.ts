import { describe, expect, test } from 'vitest';
import { OutputBuffer } from '../../src/ui/output-buffer.js';

describe('OutputBuffer', () => {
  test('keeps complete lines and the unfinished last one', () => {
    const buffer = new OutputBuffer();
    buffer.append('one\ntw');
    buffer.append('o\nthr');
    expect(buffer.lines()).toEqual(['one', 'two', 'thr']);
    expect(buffer.length).toBe(3);
  });

  test('100,000 lines, one at a time or in one chunk, leave only the last maxLines', () => {
    const oneByOne = new OutputBuffer({ maxLines: 2000 });
    for (let line = 1; line <= 100_000; line++) oneByOne.append(`line ${line}\n`);
    expect(oneByOne.length).toBe(2000);
    expect(oneByOne.droppedLines).toBe(98_000);
    expect(oneByOne.tail(2)).toEqual(['line 99999', 'line 100000']);
    expect(oneByOne.lines()[0]).toBe('line 98001');

    const chunk = new OutputBuffer({ maxLines: 2000 });
    chunk.append(Array.from({ length: 100_000 }, (_, index) => `line ${index + 1}\n`).join(''));
    expect(chunk.lines()).toEqual(oneByOne.lines());
  });

  test('a line without end is cut at maxLineLength', () => {
    const buffer = new OutputBuffer({ maxLineLength: 100 });
    for (let chunk = 0; chunk < 1000; chunk++) buffer.append('x'.repeat(1000));
    expect(buffer.lines()).toEqual(['x'.repeat(100)]);
    buffer.append('\nnext\n');
    expect(buffer.lines()).toEqual(['x'.repeat(100), 'next']);
  });

  test('tail scrolls up from the last line', () => {
    const buffer = new OutputBuffer();
    buffer.append('a\nb\nc\nd\ne\n');
    expect(buffer.tail(2)).toEqual(['d', 'e']);
    expect(buffer.tail(2, 2)).toEqual(['b', 'c']);
    expect(buffer.tail(2, 10)).toEqual([]);
  });

  test('a carriage return rewrites the line, CRLF ends it, escape sequences are dropped', () => {
    const buffer = new OutputBuffer();
    buffer.append('progress 10%\rprogress 50%');
    buffer.append('\rprogress 100%\r\n');
    buffer.append('\u001b[32mgreen\u001b[39m\r\n');
    buffer.append('half\r');
    buffer.append('\n');
    expect(buffer.lines()).toEqual(['progress 100%', 'green', 'half']);
  });

  test('reset starts over for another step', () => {
    const buffer = new OutputBuffer({ maxLines: 3 });
    buffer.append('a\nb\nc\nd\n');
    buffer.reset('next');
    expect(buffer.owner).toBe('next');
    expect(buffer.lines()).toEqual([]);
    buffer.append('e\n');
    expect(buffer.lines()).toEqual(['e']);
  });
});
