import { describe, expect, it } from 'vitest';
import { compileExpectedLine } from '../../src/check/line-pattern.js';

const none = {};

describe('compileExpectedLine', () => {
  it.each([
    ['hello world', 'literal'],
    ['...', 'ellipsis'],
    ['a [..] b', 'pattern'],
    ['took [DURATION]', 'pattern'],
    ['^\\d+$ (re)', 'regex'],
    ['! error', 'literal'],
    ['[SECRET] and [C12] are text', 'literal'],
  ] as const)('compiles %j as %s', (line, kind) => {
    expect(compileExpectedLine(line, none).kind).toBe(kind);
  });

  it('keeps the line as given as its source', () => {
    expect(compileExpectedLine('id ${ID}  [..]', { ID: '7' }).source).toBe('id ${ID}  [..]');
  });

  describe('[..]', () => {
    it.each([
      ['a [..] c', 'a b c', true],
      ['a [..] c', 'a  c', true],
      ['a [..] c', 'a c', false],
      ['a [..] c', 'a anything at all c', true],
      ['[..]', '', true],
      ['[..]', 'anything', true],
      ['[..] end', 'the end', true],
      ['start [..]', 'start here', true],
      ['start [..]', 'restart here', false],
      ['[..]x[..]x[..]x', 'xxx', true],
      ['[..]x[..]x[..]x', 'xx', false],
      ['a[..]b[..]c', 'abcabc', true],
      ['a[..]b[..]c', 'acb', false],
      ['[..][..]', 'abc', true],
      ['a [..] b', 'ab', false],
    ])('%j against %j: %s', (line, actual, expected) => {
      expect(compileExpectedLine(line, none).matches(actual)).toBe(expected);
    });
  });

  describe('tokens', () => {
    it.each([
      ['[TIMESTAMP][14][debug] up', '[2020-06-09 12:59:52.818][14][debug] up', true],
      ['at [TIMESTAMP] ok', 'at 2020-06-09T12:59:52Z ok', true],
      ['at [TIMESTAMP] ok', 'at yesterday ok', false],
      ['peer [IP]:8080', 'peer 10.0.0.1:8080', true],
      ['peer [IP]', 'peer 10.0.0.1:8080', true],
      ['peer [IP]', 'peer [::1]:8080', true],
      ['http://[IP]/', 'http://[::1]:8080/', true],
      ['[[IP]]:8080', '[::1]:8080', true],
      ['id=[UUID]', 'id=123e4567-e89b-12d3-a456-426614174000', true],
      ['id=[UUID]', 'id=123e4567', false],
      ['commit [HEX]', 'commit 3f2a9c1', true],
      ['commit [HEX]', 'commit 3f2a9c', false],
      ['n=[NUMBER]', 'n=-3.5', true],
      ['n=[NUMBER]', 'n=abc', false],
      ['took [DURATION].', 'took 1h0m0s.', true],
      ['took [DURATION]', 'took 15 s', false],
      ['[NUMBER] [NUMBER]', '1 2', true],
      ['[NUMBER][NUMBER]', '12', false],
    ])('%j against %j: %s', (line, actual, expected) => {
      expect(compileExpectedLine(line, none).matches(actual)).toBe(expected);
    });

    it('tries a token’s other readings when the first does not fit the text after it', () => {
      // [IP] first reads the port too; the literal `:8080` then needs the shorter reading.
      expect(compileExpectedLine('[IP]:8080 up', none).matches('10.0.0.1:8080 up')).toBe(true);
    });

    it('matches tokens in text holding NUL and other control characters', () => {
      const pattern = compileExpectedLine('a\u0000b\u0001 [NUMBER] [..] [IP]', none);
      expect(pattern.matches('a\u0000b\u0001 5 x 10.0.0.1')).toBe(true);
      expect(pattern.matches('a\u0000b\u0001 x x 10.0.0.1')).toBe(false);
      expect(pattern.occursIn('>a\u0000b\u0001 5 x 10.0.0.1<')).toBe(true);
    });

    it('matches tokens next to wildcards', () => {
      const pattern = compileExpectedLine('[TIMESTAMP] [..] from [IP] [..] took [DURATION]', none);
      expect(pattern.matches('2020-06-09 12:00:00 GET /x from 10.1.1.1:5 (ok) took 3ms')).toBe(true);
      expect(pattern.matches('2020-06-09 12:00:00 GET /x from nowhere (ok) took 3ms')).toBe(false);
    });
  });

  describe('(re)', () => {
    it.each([
      ['^\\d+ files$ (re)', '12 files', true],
      ['\\d+ files (re)', '12 files', true],
      ['\\d+ files (re)', '12 files here', false],
      ['a|b (re)', 'b', true],
      ['a|b (re)', 'ab', false],
      ['x (re) y', 'x (re) y', true],
    ])('%j against %j: %s', (line, actual, expected) => {
      expect(compileExpectedLine(line, none).matches(actual)).toBe(expected);
    });

    it('reports an invalid expression and never matches', () => {
      const pattern = compileExpectedLine('a(b (re)', none);
      expect(pattern.problem).toMatch(/^invalid regular expression/);
      expect(pattern.matches('a(b')).toBe(false);
    });

    it('takes variable values literally inside the expression', () => {
      const pattern = compileExpectedLine('^host ${HOST}:\\d+$ (re)', { HOST: 'a.b+c' });
      expect(pattern.matches('host a.b+c:80')).toBe(true);
      expect(pattern.matches('host axbbc:80')).toBe(false);
    });
  });

  describe('variables', () => {
    it.each([
      ['project $PROJECT', 'project my-proj', true],
      ['project ${PROJECT}-x', 'project my-proj-x', true],
      ['project $PROJECTX', 'project $PROJECTX', true],
      ['unknown $NOPE stays', 'unknown $NOPE stays', true],
      ['unknown ${NOPE} stays', 'unknown ${NOPE} stays', true],
    ])('%j against %j: %s', (line, actual, expected) => {
      expect(compileExpectedLine(line, { PROJECT: 'my-proj' }).matches(actual)).toBe(expected);
    });

    it.each([
      ['a value holding [..] is literal', 'a[..]b', 'v=a[..]b', 'v=aXXb'],
      ['a value holding a token is literal', '[IP]', 'v=[IP]', 'v=10.0.0.1'],
      ['a value holding regex characters is literal', '.*', 'v=.*', 'v=anything'],
      ['a value that is ... is literal', '...', '...', 'anything'],
      ['a value holding $OTHER is not substituted again', '$OTHER', 'v=$OTHER', 'v=other'],
    ])('%s', (_name, value, matching, notMatching) => {
      const line = value === '...' ? '$V' : 'v=$V';
      const pattern = compileExpectedLine(line, { V: value, OTHER: 'other' });
      expect(pattern.kind).not.toBe('ellipsis');
      expect(pattern.matches(matching)).toBe(true);
      expect(pattern.matches(notMatching)).toBe(false);
    });

    it('collapses blanks in a value as in the actual line', () => {
      expect(compileExpectedLine('name: $V', { V: 'a   b' }).matches('name: a b')).toBe(true);
      expect(compileExpectedLine('name: $V', { V: 'a ' }).matches('name: a')).toBe(true);
    });

    it('keeps blanks in a value under expect=exact', () => {
      expect(compileExpectedLine('name: $V', { V: 'a  b' }, { mode: 'exact' }).matches('name: a  b')).toBe(true);
    });
  });

  describe('occursIn (expect=contains)', () => {
    it.each([
      ['handshake', 'ALTS handshake completed', true],
      ['handshake [..] completed', 'ALTS handshake was completed ok', true],
      ['peer [IP]', 'connected: peer 10.0.0.1:443 (tls)', true],
      ['peer [IP]', 'connected: peer unknown', false],
      ['a[..]b[..]c', 'xxcxxbxxaxx', false],
      ['\\d{3} OK (re)', 'HTTP/1.1 200 OK', true],
      ['...', 'anything', true],
    ])('%j in %j: %s', (line, actual, expected) => {
      expect(compileExpectedLine(line, none).occursIn(actual)).toBe(expected);
    });

    it('makes a `! ` line forbidden, its rest the pattern', () => {
      const pattern = compileExpectedLine('! error [NUMBER]', none, { mode: 'contains' });
      expect(pattern.kind).toBe('forbidden');
      expect(pattern.source).toBe('! error [NUMBER]');
      expect(pattern.occursIn('fatal error 42 here')).toBe(true);
      expect(pattern.occursIn('no errors')).toBe(false);
    });
  });

  describe('never backtracks catastrophically', () => {
    it('fails ten [..] segments against 20,000 characters quickly', () => {
      const pattern = compileExpectedLine(`${Array.from({ length: 10 }, (_, index) => `a${index}`).join('[..]')}[..]b`, none);
      const started = performance.now();
      expect(pattern.matches('a'.repeat(20_000))).toBe(false);
      expect(pattern.occursIn('a0'.repeat(10_000))).toBe(false);
      expect(performance.now() - started).toBeLessThan(2000);
    });

    it('fails tokens against long digit runs quickly', () => {
      const digits = '1'.repeat(20_000);
      const started = performance.now();
      for (const line of ['[NUMBER][NUMBER]x', '[..][HEX][..][NUMBER].[NUMBER]y', '[DURATION][..][IP]', '[TIMESTAMP][..][UUID]']) {
        const pattern = compileExpectedLine(line, none);
        expect(pattern.matches(digits)).toBe(false);
        expect(pattern.occursIn(`${digits}.${digits}`)).toBe(false);
      }
      expect(performance.now() - started).toBeLessThan(2000);
    });
  });
});
