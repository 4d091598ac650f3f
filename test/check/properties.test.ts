import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileExpectedLine } from '../../src/check/line-pattern.js';
import { matchOutput } from '../../src/check/match-output.js';
import { redactForSnapshot } from '../../src/check/redact.js';
import { redactLine } from '../../src/check/redaction-tokens.js';

const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
const timestamp = fc.oneof(
  fc
    .tuple(fc.integer({ min: 1970, max: 2099 }), two, two, two, two, two, fc.constantFrom('', '.818', 'Z', '.123456Z', '+02:00'))
    .map(([y, mo, d, h, mi, s, tail]) => `${y}-${mo}-${d}T${h}:${mi}:${s}${tail}`),
  fc.tuple(two, two, two).map(([h, m, s]) => `[2020-06-09 ${h}:${m}:${s}.5]`),
  fc.tuple(two, two, two).map(([h, m, s]) => `2006/01/02 ${h}:${m}:${s}.000000`),
  fc.tuple(two, two).map(([m, s]) => `Mon, 08 Jun 2020 21:${m}:${s} GMT`),
  fc.tuple(two, two).map(([m, s]) => `08/Jun/2020:21:${m}:${s} +0000`),
);
const octet = fc.integer({ min: 0, max: 255 });
const ip = fc.oneof(
  fc.tuple(octet, octet, octet, octet).map((parts) => parts.join('.')),
  fc.tuple(octet, octet, octet, octet, fc.integer({ min: 1, max: 65535 })).map(([a, b, c, d, port]) => `${a}.${b}.${c}.${d}:${port}`),
  fc.constantFrom('::1', 'fe80::1', '2001:db8::8a2e:370:7334', '[::1]:8080', '::ffff:10.0.0.1'),
);
const uuid = fc.uuid();
const hex = fc.stringMatching(/^[0-9a-f]{7,20}$/);
const duration = fc.constantFrom('1.5s', '250ms', '3m2s', '1h0m0s', '12µs', '8ns');
const number = fc.oneof(
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => n.toFixed(2)),
);
const word = fc.stringMatching(/^[a-zA-Z_./:=,()-]{1,8}$/);
// Syntax-like text a program may print: it must still be written so that it matches itself.
const syntax = fc.constantFrom('[..]', '[UUID]', '[IP]', '...', ' (re)', '$HOME', '${PROJECT}', '! ', '[', ']', '$', '\\d+');

const variables = { PROJECT: 'my-project-42', HOME: '/home/alice', REGION: 'us central 1' };
const variable = fc.constantFrom(...Object.values(variables));

const piece = fc.oneof(
  { weight: 4, arbitrary: word },
  { weight: 1, arbitrary: timestamp },
  { weight: 1, arbitrary: ip },
  { weight: 1, arbitrary: uuid },
  { weight: 1, arbitrary: hex },
  { weight: 1, arbitrary: duration },
  { weight: 1, arbitrary: number },
  { weight: 1, arbitrary: variable },
  { weight: 1, arbitrary: syntax },
);
const separator = fc.constantFrom(' ', '', '  ', '\t', '=', ', ', '[', ']');
const line = fc.array(fc.tuple(piece, separator), { maxLength: 8 }).map((parts) => parts.map(([p, s]) => p + s).join(''));
const output = fc.array(line, { maxLength: 12 }).map((lines) => lines.join('\n'));

describe('properties', () => {
  it('a snapshot written by -u always matches the output it was written from', () => {
    fc.assert(
      fc.property(output, (text) => {
        const snapshot = redactForSnapshot(text, { variables });
        const result = matchOutput(snapshot.split('\n'), text, { mode: 'lines', variables });
        expect(result.reason).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });

  it('a snapshot updated over a previous one still matches the output', () => {
    fc.assert(
      fc.property(output, output, (before, after) => {
        const previous = redactForSnapshot(before, { variables }).split('\n');
        const snapshot = redactForSnapshot(after, { variables, previous: ['...', ...previous.slice(1)] });
        expect(matchOutput(snapshot.split('\n'), after, { mode: 'lines', variables }).ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('redactLine is idempotent', () => {
    fc.assert(
      fc.property(fc.oneof(line, fc.string()), (text) => {
        const once = redactLine(text);
        expect(redactLine(once)).toBe(once);
        const withNumbers = redactLine(text, { numbers: true });
        expect(redactLine(withNumbers, { numbers: true })).toBe(withNumbers);
      }),
      { numRuns: 1000 },
    );
  });

  it('a redacted line matches the line it came from', () => {
    fc.assert(
      fc.property(line, (text) => {
        const normalized = text
          .replace(/[[$]/g, '')
          .trim()
          .replace(/[ \t]+/g, ' ');
        fc.pre(normalized !== '...' && !normalized.endsWith(' (re)'));
        expect(compileExpectedLine(redactLine(normalized), {}).matches(normalized)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  // Guards against exponential blow-up, not speed tests: the bounds are generous.
  it('fails adversarial lines against many wildcards and tokens without blowing up', () => {
    const token = fc.constantFrom('[..]', '[NUMBER]', '[HEX]', '[IP]', '[DURATION]', '[TIMESTAMP]', '[UUID]', 'a', '1', '.', ':');
    const pattern = fc.array(token, { minLength: 1, maxLength: 12 }).map((parts) => parts.join(''));
    const subject = fc
      .tuple(fc.constantFrom('a', '1', '1.', ':1', 'f', '-'), fc.integer({ min: 1000, max: 10_000 }))
      .map(([unit, count]) => unit.repeat(count));
    fc.assert(
      fc.property(pattern, subject, (expected, actual) => {
        const started = performance.now();
        const compiled = compileExpectedLine(`${expected}!`, {});
        compiled.matches(actual);
        compiled.occursIn(actual);
        expect(performance.now() - started).toBeLessThan(2000);
      }),
      { numRuns: 100 },
    );
  });

  it('matches a 20,000-character line against ten wildcard segments that cannot match, quickly', () => {
    const expected = `${Array.from({ length: 10 }, () => 'a').join('[..]')}[..]b`;
    const started = performance.now();
    expect(matchOutput([expected], 'a'.repeat(20_000), { mode: 'lines', variables: {} }).ok).toBe(false);
    expect(matchOutput([expected], 'a'.repeat(20_000), { mode: 'contains', variables: {} }).ok).toBe(false);
    expect(performance.now() - started).toBeLessThan(2000);
  });
});
