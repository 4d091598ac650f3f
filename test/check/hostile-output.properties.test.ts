import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { diffOutput } from '../../src/check/diff-output.js';
import { matchOutput } from '../../src/check/match-output.js';
import type { ExpectMode } from '../../src/format/tutorial.js';

// Output a hostile or broken program may print: control characters, escape sequences cut
// anywhere, lone surrogates, carriage returns, very long lines, the matcher's own syntax.
const nasty = fc.constantFrom(
  '\x1b[31m',
  '\x1b[',
  '\x1b]0;t',
  '\x07',
  '\r',
  '\r\n',
  '\0',
  '\ud800',
  '\u202e',
  '...',
  '[..]',
  ' (re)',
  ' (glob)',
  '\\',
  '${X}',
  '! ',
  '[UUID]',
);
const chunk = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 20 }) },
  { weight: 2, arbitrary: nasty },
  fc.string({ unit: 'binary', maxLength: 8 }),
);
const text = fc
  .array(fc.oneof({ weight: 4, arbitrary: chunk }, { weight: 1, arbitrary: fc.constant('\n') }), { maxLength: 60 })
  .map((parts) => parts.join(''));
const longLine = fc.integer({ min: 1, max: 20_000 }).map((n) => 'x'.repeat(n));
const output = fc.oneof({ weight: 5, arbitrary: text }, { weight: 1, arbitrary: longLine });
// Expected lines as an author writes them, `(re)` with an expression that may not even compile.
const expectedLine = fc.oneof(
  { weight: 4, arbitrary: text.map((line) => line.replace(/\n/g, '')) },
  { weight: 1, arbitrary: fc.constantFrom('...', '[..] done', '\\d+ (re)', '([ (re)', 'a* (re)', '! forbidden', '${X} [IP]') },
);
const mode = fc.constantFrom<ExpectMode>('lines', 'exact', 'contains', 'none');

describe('matching and diffing whatever a program prints', () => {
  it('never throws, and the diff is no longer than the two sides together', () => {
    fc.assert(
      fc.property(fc.array(expectedLine, { maxLength: 30 }), output, mode, (expected, actual, how) => {
        const result = matchOutput(expected, actual, { mode: how, variables: { X: 'value' } });
        expect(typeof result.ok).toBe('boolean');
        const diff = diffOutput(result);
        if (result.ok) expect(diff).toBe('');
        const lines = diff === '' ? 0 : diff.split('\n').length;
        // Headers, hunk lines and a closing note at most beside one line per line of either side.
        expect(lines).toBeLessThanOrEqual(result.expectedLines.length + result.actualLines.length + 2 * (result.expectedLines.length + 8));
      }),
      { numRuns: 400 },
    );
  });

  it('a step whose output is a flood of one byte, or of newlines, is checked and diffed', () => {
    for (const actual of ['\n'.repeat(200_000), 'a'.repeat(2_000_000), '\r'.repeat(100_000)]) {
      const result = matchOutput(['expected'], actual, { mode: 'lines', variables: {} });
      expect(result.ok).toBe(false);
      expect(diffOutput(result).length).toBeGreaterThan(0);
    }
  });
});
