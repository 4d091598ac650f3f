import { describe, expect, it } from 'vitest';
import { type MatchOptions, matchOutput } from '../../src/check/match-output.js';

const lines: MatchOptions = { mode: 'lines', variables: {} };
const contains: MatchOptions = { mode: 'contains', variables: {} };

describe('matchOutput, expect=lines', () => {
  it.each([
    ['identical lines', ['a', 'b'], 'a\nb\n', true],
    ['a different line', ['a', 'b'], 'a\nc\n', false],
    ['a missing line', ['a', 'b'], 'a\n', false],
    ['an extra line', ['a'], 'a\nb\n', false],
    ['blanks and colours forgiven on both sides', ['a  b', '', ''], '\n\x1b[32ma b\x1b[0m   \r\n', true],
    ['no expected lines means no output', [], '\n  \n', true],
    ['no expected lines with output', [], 'hello\n', false],
    ['a pattern line', ['took [DURATION]'], 'took 12ms\n', true],
    ['a variable', ['project $P'], 'project my-proj\n', true],
  ])('%s', (_name, expected, actual, ok) => {
    expect(matchOutput(expected, actual, { mode: 'lines', variables: { P: 'my-proj' } }).ok).toBe(ok);
  });

  it('says which expected line failed and what came instead', () => {
    const result = matchOutput(['a', 'b', 'c'], 'a\nb\nx\n', lines);
    expect(result.reason).toBe('line 3: expected "c", got "x"');
    expect(result.divergence).toEqual({ expected: 2, actual: 2 });
  });

  it('says when the output ended early', () => {
    expect(matchOutput(['a', 'b'], 'a\n', lines).reason).toBe('line 2: expected "b", got end of output');
  });

  it('says when the output went on', () => {
    expect(matchOutput(['a'], 'a\nmore\n', lines).reason).toBe('line 2: expected end of output, got "more"');
  });

  it('records which expected line matched each actual line', () => {
    const result = matchOutput(['start', '...', 'id [UUID]', 'end'], 'start\nx\ny\nid 123e4567-e89b-12d3-a456-426614174000\nend\n', lines);
    expect(result.ok).toBe(true);
    expect(result.matchedBy).toEqual(['start', '...', '...', 'id [UUID]', 'end']);
    expect(result.actualLines).toHaveLength(5);
  });

  describe('...', () => {
    it.each([
      ['matches no line', ['a', '...', 'b'], 'a\nb\n', true],
      ['matches several lines', ['a', '...', 'b'], 'a\n1\n2\n3\nb\n', true],
      ['alone matches anything', ['...'], 'x\ny\n', true],
      ['alone matches nothing', ['...'], '', true],
      ['at the start', ['...', 'end'], 'x\ny\nend\n', true],
      ['trailing matches the rest', ['a', '...'], 'a\nb\nc\n', true],
      ['consecutive ones collapse', ['a', '...', '...', 'b'], 'a\nx\nb\n', true],
      ['followed by a pattern', ['...', 'took [DURATION]'], 'x\ntook 5s\n', true],
      ['the next line is never found', ['a', '...', 'b'], 'a\nx\ny\n', false],
      // No backtracking: `...` stops at the first `b`, then `c` must follow it.
      ['stops at the first match of the next line', ['...', 'b', 'c'], 'b\nx\nb\nc\n', false],
      ['lines after it must still match', ['...', 'b', 'c'], 'x\nb\nc\nd\n', false],
    ])('%s', (_name, expected, actual, ok) => {
      expect(matchOutput(expected, actual, lines).ok).toBe(ok);
    });

    it('names the line that was not found after it', () => {
      expect(matchOutput(['a', '...', 'b'], 'a\nx\n', lines).reason).toBe('line 3: "b" not found after "..."');
    });
  });

  it('expect=exact compares blanks and colours as printed', () => {
    const exact: MatchOptions = { mode: 'exact', variables: {} };
    expect(matchOutput(['a  b'], 'a  b\n', exact).ok).toBe(true);
    expect(matchOutput(['a b'], 'a  b\n', exact).ok).toBe(false);
    expect(matchOutput(['a', ''], 'a\n\n', exact).ok).toBe(true);
    expect(matchOutput(['a'], 'a\n\n', exact).ok).toBe(false);
    expect(matchOutput(['took [DURATION]'], 'took 5s', exact).ok).toBe(true);
  });

  it('expect=none accepts anything', () => {
    expect(matchOutput(['nothing like it'], 'whatever\n', { mode: 'none', variables: {} }).ok).toBe(true);
  });

  it('reports an invalid (re) line', () => {
    expect(matchOutput(['a(b (re)'], 'a(b\n', lines).reason).toMatch(
      /^line 1: expected "a\(b \(re\)", got "a\(b" \(invalid regular expression/,
    );
  });

  it('shortens very long lines in the reason', () => {
    const reason = matchOutput(['short'], `${'x'.repeat(5000)}\n`, lines).reason ?? '';
    expect(reason.length).toBeLessThan(300);
  });
});

describe('matchOutput, expect=contains', () => {
  const log = [
    '[debug] starting',
    '[info] handshake with 10.0.0.1:443 ok',
    '[debug] noise',
    '[info] request done in 5ms',
    '[debug] bye',
  ].join('\n');

  it.each([
    ['each line inside some actual line, in order', ['handshake', 'request done'], true],
    ['with tokens', ['handshake with [IP] ok', 'done in [DURATION]'], true],
    ['with (re)', ['handshake with \\S+ ok (re)'], true],
    ['out of order', ['request done', 'handshake'], false],
    ['two expected lines cannot share one actual line', ['handshake', 'handshake'], false],
    ['a missing line', ['handshake', 'goodbye'], false],
    ['a forbidden line absent', ['handshake', '! error'], true],
    ['a forbidden line present', ['handshake', '! noise'], false],
    ['a forbidden pattern present', ['! done in [DURATION]'], false],
    ['a forbidden line is checked everywhere, not only after the previous line', ['request done', '! starting'], false],
    ['nothing expected', [], true],
  ])('%s', (_name, expected, ok) => {
    expect(matchOutput(expected, log, contains).ok).toBe(ok);
  });

  it('names the missing line', () => {
    expect(matchOutput(['handshake', 'goodbye'], log, contains).reason).toBe('line 2: missing "goodbye"');
  });

  it('names the forbidden line found', () => {
    expect(matchOutput(['! noise'], log, contains).reason).toBe('line 1: forbidden line found: "[debug] noise" (actual line 3)');
  });

  it('records the actual lines the expected lines were found in', () => {
    expect(matchOutput(['handshake', 'done'], log, contains).matchedBy).toEqual([undefined, 'handshake', undefined, 'done', undefined]);
  });

  it('treats `! ` as text in other modes', () => {
    expect(matchOutput(['! not forbidden'], '! not forbidden\n', lines).ok).toBe(true);
  });
});
