import { describe, expect, it } from 'vitest';
import { diffOutput, MAX_HUNKS } from '../../src/check/diff-output.js';
import { type MatchOptions, matchOutput } from '../../src/check/match-output.js';

const lines: MatchOptions = { mode: 'lines', variables: {} };

function diff(expected: string[], actual: string, options?: Parameters<typeof diffOutput>[1], match: MatchOptions = lines): string {
  return diffOutput(matchOutput(expected, actual, match), options);
}

describe('diffOutput', () => {
  it('is empty when the output matched', () => {
    expect(diff(['a'], 'a\n')).toBe('');
  });

  it('shows one changed line with its context', () => {
    expect(diff(['a', 'b', 'c'], 'a\nx\nc\n')).toBe(['--- expected', '+++ actual', '@@ -1,3 +1,3 @@', ' a', '-b', '+x', ' c'].join('\n'));
  });

  it('shows lines matched by patterns as the patterns', () => {
    const expected = ['started at [TIMESTAMP]', 'peer [IP]', 'id [..]', 'status ok'];
    const actual = 'started at 2020-06-09T12:00:00Z\npeer 10.0.0.1:443\nid 42\nstatus failed\n';
    expect(diff(expected, actual)).toBe(
      [
        '--- expected',
        '+++ actual',
        '@@ -1,4 +1,4 @@',
        ' started at [TIMESTAMP]',
        ' peer [IP]',
        ' id [..]',
        '-status ok',
        '+status failed',
      ].join('\n'),
    );
  });

  it('shows variables as written', () => {
    expect(diff(['project ${P}', 'done'], 'project my-proj\nfailed\n', undefined, { mode: 'lines', variables: { P: 'my-proj' } })).toBe(
      ['--- expected', '+++ actual', '@@ -1,2 +1,2 @@', ' project ${P}', '-done', '+failed'].join('\n'),
    );
  });

  it('numbers an added line at the end', () => {
    expect(diff(['a'], 'a\nb\n')).toBe(['--- expected', '+++ actual', '@@ -1,1 +1,2 @@', ' a', '+b'].join('\n'));
  });

  it('numbers a removed first line as GNU diff does', () => {
    expect(diff(['a', 'b'], 'b\n')).toBe(['--- expected', '+++ actual', '@@ -1,2 +1,1 @@', '-a', ' b'].join('\n'));
  });

  it('shows no output against expected lines', () => {
    expect(diff(['a', 'b'], '')).toBe(['--- expected', '+++ actual', '@@ -1,2 +0,0 @@', '-a', '-b'].join('\n'));
  });

  it('splits distant changes into hunks with three lines of context', () => {
    const expected = Array.from({ length: 20 }, (_, index) => `line ${index + 1}`);
    const actual = [...expected];
    actual[1] = 'changed 2';
    actual[17] = 'changed 18';
    expect(diff(expected, actual.join('\n'))).toBe(
      [
        '--- expected',
        '+++ actual',
        '@@ -1,5 +1,5 @@',
        ' line 1',
        '-line 2',
        '+changed 2',
        ' line 3',
        ' line 4',
        ' line 5',
        '@@ -15,6 +15,6 @@',
        ' line 15',
        ' line 16',
        ' line 17',
        '-line 18',
        '+changed 18',
        ' line 19',
        ' line 20',
      ].join('\n'),
    );
  });

  it('takes the context size from the options', () => {
    expect(diff(['a', 'b', 'c', 'd', 'e'], 'a\nb\nX\nd\ne\n', { context: 1 })).toBe(
      ['--- expected', '+++ actual', '@@ -2,3 +2,3 @@', ' b', '-c', '+X', ' d'].join('\n'),
    );
  });

  describe('...', () => {
    it('is a common line covering the actual lines it stands for', () => {
      expect(diff(['start', '...', 'end', 'done'], 'start\n1\n2\n3\nend\nfailed\n')).toBe(
        ['--- expected', '+++ actual', '@@ -1,4 +1,6 @@', ' start', ' ...', ' end', '-done', '+failed'].join('\n'),
      );
    });

    it('is a common line when it covers nothing', () => {
      expect(diff(['a', '...', 'b', 'c'], 'a\nb\nx\n')).toBe(
        ['--- expected', '+++ actual', '@@ -1,4 +1,3 @@', ' a', ' ...', ' b', '-c', '+x'].join('\n'),
      );
    });

    it('never shows as a difference when the line after it is missing', () => {
      const text = diff(['a', '...', 'z'], 'a\nb\nc\n');
      expect(text).not.toMatch(/^-\.\.\.$/m);
      expect(text).toContain('-z');
    });
  });

  describe('time budget', () => {
    it('falls back to the first divergence with context when the budget is spent', () => {
      const expected = Array.from({ length: 12 }, (_, index) => `line ${index + 1}`);
      const actual = [...expected];
      actual[7] = 'changed 8';
      expect(diff(expected, actual.join('\n'), { timeBudgetMs: 0 })).toBe(
        [
          '--- expected',
          '+++ actual',
          '(full diff cut short after 0 ms; showing the first difference, expected line 8, actual line 8)',
          '@@ -3,10 +3,10 @@',
          ' line 3',
          ' line 4',
          ' line 5',
          ' line 6',
          ' line 7',
          '-line 8',
          '-line 9',
          '-line 10',
          '-line 11',
          '-line 12',
          '+changed 8',
          '+line 9',
          '+line 10',
          '+line 11',
          '+line 12',
        ].join('\n'),
      );
    });

    it('shows an ellipsis in the fallback context as one line', () => {
      const text = diff(['a', '...', 'b', 'c'], 'a\n1\n2\nb\nx\n', { timeBudgetMs: 0 });
      expect(text.split('\n').slice(3)).toEqual(['@@ -1,4 +1,5 @@', ' a', ' ...', ' b', '-c', '+x']);
    });

    it('gives up on a large diff within about its budget', () => {
      const expected = Array.from({ length: 20_000 }, (_, index) => `expected ${index}`);
      const actual = Array.from({ length: 20_000 }, (_, index) => `actual ${index}`).join('\n');
      const started = performance.now();
      const text = diff(expected, actual, { timeBudgetMs: 50 });
      expect(performance.now() - started).toBeLessThan(2000);
      expect(text).toContain('full diff cut short after 50 ms');
      expect(text).toContain('-expected 0');
      expect(text).toContain('+actual 0');
    });
  });

  describe('expect=contains', () => {
    const contains: MatchOptions = { mode: 'contains', variables: {} };
    const log = 'boot\nhandshake ok\nerror: disk full\nrequest done\nerror: again\n';

    it('lists the missing lines and the forbidden lines found', () => {
      expect(diff(['handshake', 'goodbye', 'request done', 'never', '! error'], log, undefined, contains)).toBe(
        [
          'missing lines (each expected inside some actual line, in this order):',
          '-goodbye',
          '-never',
          'forbidden lines found:',
          '+3: error: disk full   (forbidden by "! error")',
          '+5: error: again   (forbidden by "! error")',
        ].join('\n'),
      );
    });

    it('lists a line found only before the previous one as missing', () => {
      expect(diff(['request done', 'handshake'], log, undefined, contains)).toBe(
        ['missing lines (each expected inside some actual line, in this order):', '-handshake'].join('\n'),
      );
    });
  });
});

describe('a diff with many differences', () => {
  it('shows the first MAX_HUNKS hunks and says how many more lines differ', () => {
    const expected = Array.from({ length: 1000 }, (_, index) => `line ${index}`);
    const actual = expected.map((line, index) => (index % 10 === 0 ? `changed ${index}` : line));
    const diff = diffOutput(matchOutput(expected, actual.join('\n'), { mode: 'lines', variables: {} }));
    expect(diff.split('\n').filter((line) => line.startsWith('@@'))).toHaveLength(MAX_HUNKS);
    // 100 changed lines, each a `-` and a `+`; 20 hunks show 40 of them.
    expect(diff).toMatch(/\n… 160 more lines differ$/);
  });
});
