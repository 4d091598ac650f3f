import { describe, expect, it } from 'vitest';
import { normalizeLine, normalizeOutput } from '../../src/check/normalize.js';

describe('normalizeOutput', () => {
  it.each([
    ['turns CRLF into LF', 'a\r\nb\r\n', ['a', 'b']],
    ['strips colour codes', '\x1b[1;32mok\x1b[0m done', ['ok done']],
    ['strips OSC hyperlinks', '\x1b]8;;https://example.com\x07link\x1b]8;;\x07', ['link']],
    ['drops trailing whitespace', 'a  \t\nb \n', ['a', 'b']],
    ['drops leading and trailing blank lines', '\n  \n\na\n\nb\n\n \n', ['a', '', 'b']],
    ['collapses runs of blanks inside a line', 'NAME    READY\tSTATUS', ['NAME READY STATUS']],
    ['keeps the indentation as printed', '  key:   value\n\tnested', ['  key: value', '\tnested']],
    ['keeps lines that are only dots', '...\n', ['...']],
  ])('%s', (_name, text, lines) => {
    expect(normalizeOutput(text, 'lines')).toEqual(lines);
  });

  it.each(['lines', 'contains', 'exact', 'none'] as const)('gives no lines for empty text in mode %s', (mode) => {
    expect(normalizeOutput('', mode)).toEqual([]);
  });

  it('normalizes the same way in lines, contains and none modes', () => {
    const text = '\n\x1b[31mred\x1b[0m   text  \r\n';
    expect(normalizeOutput(text, 'contains')).toEqual(['red text']);
    expect(normalizeOutput(text, 'none')).toEqual(['red text']);
  });

  describe('exact', () => {
    it.each([
      ['only turns CRLF into LF and drops one final newline', 'a  \r\n\x1b[1mb\x1b[0m\t\n', ['a  ', '\x1b[1mb\x1b[0m\t']],
      ['keeps blank lines at either end but the last newline', '\n\na\n\n', ['', '', 'a', '']],
      ['drops only one final newline', 'a\n\n', ['a', '']],
      ['keeps a last line without newline', 'a\nb', ['a', 'b']],
      ['a lone newline is no output', '\n', []],
    ])('%s', (_name, text, lines) => {
      expect(normalizeOutput(text, 'exact')).toEqual(lines);
    });
  });

  it('is idempotent', () => {
    const once = normalizeOutput('\n  a   b \t\n\x1b[2Kc\r\n\n', 'lines');
    expect(normalizeOutput(once.join('\n'), 'lines')).toEqual(once);
  });
});

describe('normalizeLine', () => {
  it('collapses after the indentation and trims the end', () => {
    expect(normalizeLine('    a  \t b   ')).toBe('    a b');
  });
});
