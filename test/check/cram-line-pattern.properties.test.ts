import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCramLine, cramOutputLines } from '../../src/check/cram-line-pattern.js';
import { lacks } from '../support/machine-needs.js';

/** A line a command may print: any characters but the line breaks cram splits at. */
const character = fc.oneof(
  fc.constantFrom('\t', '\x01', '\x1b', '\x7f', '\\', ' ', '(', ')', '*', '?', 'é', '☺'),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 }),
);
const printedLine = fc.string({ unit: character, maxLength: 40 }).filter((line) => !/[\r\n]/.test(line));

describe('cram line patterns, for any printed line', () => {
  it('the line written as printed matches it, whatever it ends in', () => {
    fc.assert(
      fc.property(printedLine, (line) => {
        const [actual = ''] = cramOutputLines(`${line}\n`);
        expect(compileCramLine(line).matches(actual)).toBe(true);
      }),
    );
  });

  it('the line as cram writes it in a diff (escaped, with (esc)) matches it too', () => {
    fc.assert(
      fc.property(printedLine, (line) => {
        const [written = ''] = cramOutputLines(`${line}\n`);
        expect(compileCramLine(written).matches(written)).toBe(true);
      }),
    );
  });

  it('a line with a character more never matches when written literally', () => {
    fc.assert(
      fc.property(
        printedLine.filter((line) => !/ \((re|glob|esc)\)$/.test(line)),
        (line) => {
          const [actual = ''] = cramOutputLines(`${line}x\n`);
          expect(compileCramLine(line).matches(actual)).toBe(false);
        },
      ),
    );
  });
});

const SUFFIX = fc.constantFrom('', '', ' (re)', ' (glob)', ' (esc)');
/** Expected lines near the printed ones: the same, with a suffix, with a piece changed to a wildcard, or another line. */
const pair = fc.tuple(printedLine, SUFFIX, fc.constantFrom('same', 'wild', 'other'), printedLine).map(([printed, suffix, how, other]) => {
  const body = how === 'same' ? printed : how === 'wild' ? printed.replace(/[a-z0-9]+/, suffix === ' (re)' ? '.*' : '*') : other;
  return [body + suffix, printed] as [string, string];
});

const CRAM_DECIDES = `
import json, sys
from cram._diff import esc, glob, regex
from cram._test import _escape, _needescape
for el, raw in json.load(sys.stdin):
    l = raw.encode() + b'\\n'
    if _needescape(l[:-1]): l = _escape(l)
    e = el.encode() + b'\\n'
    try:
        print(json.dumps(e == l or any(f(e, l) for f in (esc, glob, regex))))
    except Exception:
        print(json.dumps(None))
`;

describe.skipIf(lacks('cram3', import.meta.url))("cram line patterns against cram's own matchers", () => {
  it('decide as cram does on 500 generated pairs of expected and printed lines', () => {
    const pairs = fc.sample(pair, { numRuns: 500, seed: 17 });
    const run = spawnSync('/usr/bin/python3', ['-c', CRAM_DECIDES], { input: JSON.stringify(pairs), encoding: 'utf8' });
    const decided = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as boolean | null);
    expect(decided).toHaveLength(pairs.length);
    // null: cram itself stops with a Python error on that line (a bad escape), which the reader refuses.
    const compared = pairs.flatMap(([expected, printed], index) => {
      const wanted = decided[index];
      if (wanted === null || wanted === undefined) return [];
      const [actual = ''] = cramOutputLines(`${printed}\n`);
      return [{ expected, printed, ours: compileCramLine(expected).matches(actual), cram: wanted }];
    });
    expect(compared.length).toBeGreaterThan(400);
    expect(compared.filter((entry) => entry.ours !== entry.cram)).toEqual([]);
    // The sample holds matches and mismatches of every kind, not only lines equal to themselves.
    for (const suffix of [' (re)', ' (glob)', ' (esc)']) {
      const kind = compared.filter((entry) => entry.expected.endsWith(suffix) && entry.expected !== entry.printed);
      expect([kind.some((entry) => entry.cram), kind.some((entry) => !entry.cram)]).toEqual([true, true]);
    }
  });
});
