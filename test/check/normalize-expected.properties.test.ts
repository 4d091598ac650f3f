import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeExpected } from '../../src/check/match-output.js';
import { normalizeOutput } from '../../src/check/normalize.js';
import type { ExpectMode } from '../../src/format/tutorial.js';

/** Lines built of the characters normalization cares about: blanks, tabs, CRs, escapes, line breaks. */
const line = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '  ', '\t', '\r', '\n', '\x1b[1m', ''), maxLength: 12 });

describe('expected lines normalized one by one', () => {
  for (const mode of ['lines', 'contains', 'exact'] as ExpectMode[]) {
    it(`give what normalizing the joined text gives (${mode})`, () => {
      fc.assert(
        fc.property(fc.array(line, { maxLength: 12 }), (expected) => {
          const joined = mode === 'exact' && expected.length > 0 ? `${expected.join('\n')}\n` : expected.join('\n');
          expect(normalizeExpected(expected, mode)).toEqual(normalizeOutput(joined, mode));
        }),
        { numRuns: 2000 },
      );
    });
  }

  it('keeps leading and trailing blank lines out, and the lines between as they normalize', () => {
    expect(normalizeExpected(['', ' ', 'a  b ', '', 'c\t', ''], 'lines')).toEqual(['a b', '', 'c']);
    expect(normalizeExpected(['', ''], 'lines')).toEqual([]);
  });
});
