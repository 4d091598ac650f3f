import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { compileCramLine, cramOutputLines, decodeEscapes } from '../../src/check/cram-line-pattern.js';
import { compileExpectedLine } from '../../src/check/line-pattern.js';
import { matchOutput } from '../../src/check/match-output.js';
import { lacks } from '../support/machine-needs.js';

/** [expected line, actual line printed with a newline, whether cram 0.7 takes them to match] (checked against cram's own _diff.py). */
const CASES: ReadonlyArray<[string, string, boolean]> = [
  ['hello', 'hello', true],
  ['hello', 'hello ', false],
  ['hello ', 'hello', false],
  ['a  b', 'a b', false],
  ['[a-z]+ (re)', 'abc', true],
  ['[a-z]+ (re)', 'abc1', false],
  ['foo|bar (re)', 'foobaz', true],
  ['foo|bar (re)', 'xbar', false],
  ['foo|bar (re)', 'xbarx', false],
  ['unbalanced( (re)', 'unbalanced( (re)', true],
  ['unbalanced( (re)', 'unbalanced(', false],
  ['a+ (re)', 'a+', false],
  ['a+ (re)', 'a+ (re)', true],
  ['a+ (re)', 'aaa', true],
  ['(?i)HELLO (re)', 'hello', true],
  ['(?P<w>a)(?P=w) (re)', 'aa', true],
  ['\\d{3} (re)', '123', true],
  ['*.txt (glob)', 'a.txt', true],
  ['*.txt (glob)', 'a.csv', false],
  ['c?t (glob)', 'cat', true],
  ['c?t (glob)', 'coat', false],
  ['a\\*b (glob)', 'a*b', true],
  ['a\\*b (glob)', 'axb', false],
  ['x (glob)', 'x (glob)', true],
  ['a.b (glob)', 'axb', false],
  ['tab\\there (esc)', 'tab\there', true],
  ['tab\\x20here (esc)', 'tab\there', false],
  ['caf\\xc3\\xa9 (esc)', 'café', true],
  ['café', 'café', true],
  ['caf\\303\\251 (esc)', 'café', true],
  ['tab\there', 'tab\there', true],
  ['crlf\\r (esc)', 'crlf\r', true],
  ['[..]', 'anything', false],
  ['[TIMESTAMP]', '2020-01-01T00:00:00Z', false],
  ['$HOME', '$HOME', true],
  ['...', 'x', false],
  ['back\\\\slash (esc)', 'back\\slash', true],
  ['plain (esc)', 'plain', true],
];

function cramMatches(expected: string, printed: string): boolean {
  const [actual] = cramOutputLines(`${printed}\n`);
  return compileCramLine(expected).matches(actual ?? '');
}

describe('cram line patterns', () => {
  it.each(CASES)('%j against %j matches: %s', (expected, printed, wanted) => {
    expect(cramMatches(expected, printed)).toBe(wanted);
  });

  it('writes output lines as cram does: (no-eol) on a last line without a newline, escapes marked (esc)', () => {
    expect(cramOutputLines('one\ntwo')).toEqual(['one', 'two (no-eol)']);
    expect(cramOutputLines('a\tb')).toEqual(['a\\tb (no-eol) (esc)']);
    expect(cramOutputLines('crlf\r\nnext\n')).toEqual(['crlf\\r (esc)', 'next']);
    expect(cramOutputLines('lone\rcr\n')).toEqual(['lone\\r (no-eol) (esc)', 'cr']);
    expect(cramOutputLines('café\n')).toEqual(['caf\\xc3\\xa9 (esc)']);
    expect(cramOutputLines('  indented  \n\n')).toEqual(['  indented  ', '']);
    expect(cramOutputLines('')).toEqual([]);
  });

  it('decodes escapes as Python does, and refuses what Python refuses', () => {
    expect(decodeEscapes('a\\x41\\101\\t\\q')?.toString('latin1')).toBe('aAA\t\\q');
    expect(decodeEscapes('bad \\xZ1')).toBeUndefined();
    expect(decodeEscapes('trailing \\')).toBeUndefined();
  });

  it('says why an invalid (re) line is compared as literal text', () => {
    expect(compileCramLine('unbalanced( (re)').problem).toMatch(/literal text/);
    expect(compileCramLine('fine+ (re)').problem).toBeUndefined();
  });

  it("takes prysk's $TMPDIR: the run's $TMPDIR path in the output stands for the word, where cram's rules fail", () => {
    const variables = { ALTS_CRAM_TMP: '/tmp/cramtests-abc123' };
    expect(compileCramLine('$TMPDIR/x/y', variables).matches('/tmp/cramtests-abc123/tmp/x/y')).toBe(true);
    expect(compileCramLine('$TMPDIR/* (glob)', variables).matches('/tmp/cramtests-abc123/tmp/file')).toBe(true);
    expect(compileCramLine('$TMPDIR/x/y', variables).matches('/tmp/other/tmp/x/y')).toBe(false);
    expect(compileCramLine('$TMPDIR/x/y').matches('/tmp/cramtests-abc123/tmp/x/y')).toBe(false);
    expect(compileCramLine('$TMPDIR/x', variables).matches('$TMPDIR/x')).toBe(true);
  });

  it('matches a whole output line for line, blanks and all, in mode cram', () => {
    expect(matchOutput(['one', '', 'three'], 'one\n\nthree\n', { mode: 'cram', variables: {} }).ok).toBe(true);
    expect(matchOutput(['one', 'three'], 'one\n\nthree\n', { mode: 'cram', variables: {} }).ok).toBe(false);
    expect(matchOutput([], 'surprise\n', { mode: 'cram', variables: {} }).ok).toBe(false);
    expect(matchOutput(['no eol'], 'no eol', { mode: 'cram', variables: {} }).ok).toBe(false);
    expect(matchOutput(['no eol (no-eol)'], 'no eol', { mode: 'cram', variables: { X: 'y' } }).ok).toBe(true);
    expect(matchOutput(['$X'], 'y\n', { mode: 'cram', variables: { X: 'y' } }).ok).toBe(false);
  });
});

// cram's own matchers, run on the same table: the table above is what cram does, not what we think it does.
const CHECK = `
import json, sys
from cram._diff import esc, glob, regex
from cram._test import _escape, _needescape
for el, raw in json.load(sys.stdin):
    l = raw.encode() + b'\\n'
    if _needescape(l[:-1]): l = _escape(l)
    e = el.encode() + b'\\n'
    print(json.dumps(e == l or any(f(e, l) for f in (esc, glob, regex))))
`;

describe.skipIf(lacks('cram3', import.meta.url))("against cram's own matchers", () => {
  it('every case of the table is what cram decides', () => {
    const run = spawnSync('/usr/bin/python3', ['-c', CHECK], { input: JSON.stringify(CASES.map(([e, a]) => [e, a])), encoding: 'utf8' });
    expect(run.stderr).toBe('');
    const decided = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as boolean);
    expect(decided).toEqual(CASES.map(([, , wanted]) => wanted));
  });
});

describe("Markdown's (re) lines, as cram reads them", () => {
  it('a line ending in (re) matches output equal to it, a valid expression or not', () => {
    expect(compileExpectedLine('unbalanced( (re)', {}).matches('unbalanced( (re)')).toBe(true);
    expect(compileExpectedLine('a+ (re)', {}).matches('a+ (re)')).toBe(true);
    expect(compileExpectedLine('a+ (re)', {}).matches('aaa')).toBe(true);
    expect(compileExpectedLine('a+ (re)', {}).matches('a+')).toBe(false);
    expect(compileExpectedLine('unbalanced( (re)', {}).matches('unbalanced(')).toBe(false);
    expect(compileExpectedLine('unbalanced( (re)', {}, { mode: 'contains' }).occursIn('log: unbalanced( (re) here')).toBe(true);
  });
});
