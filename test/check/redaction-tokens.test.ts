import { describe, expect, it } from 'vitest';
import { REDACTION_TOKENS, type RedactionTokenName, redactLine } from '../../src/check/redaction-tokens.js';

/** Whether the token matches exactly `value`, inside the context `before value after`. */
function matchesWhole(name: RedactionTokenName, value: string, before = 'x ', after = ' y'): boolean {
  const expression = new RegExp(REDACTION_TOKENS[name], 'y');
  expression.lastIndex = before.length;
  const match = expression.exec(before + value + after);
  return match?.[0] === value;
}

const cases: Record<RedactionTokenName, { yes: string[]; no: string[] }> = {
  TIMESTAMP: {
    yes: [
      '2020-06-09T12:59:52Z',
      '2020-06-09T12:59:52.818Z',
      '2020-06-09T12:59:52.123456789+02:00',
      '2020-06-09T12:59:52-0700',
      '2020-06-09 12:59:52',
      '2020-06-09 12:59:52,818',
      '2009-11-10 23:00:00 +0000 UTC',
      '2006/01/02 15:04:05',
      '2006/01/02 15:04:05.000000',
      '[2020-06-09 12:59:52.818]',
      '[2016-04-15T20:17:00.310Z]',
      'Mon, 08 Jun 2020 21:58:11 GMT',
      'Tue, 9 Jun 2020 01:02:03 +0000',
      '08/Jun/2020:21:58:11 +0000',
      '[08/Jun/2020:21:58:11 +0000]',
    ],
    no: ['2020-06-09', '12:59:52', '2020-13', '20200609T125952', 'Mon, 08 June 2020', '2020-06-09X12:59:52', '1.5s'],
  },
  UUID: {
    yes: ['123e4567-e89b-12d3-a456-426614174000', '00000000-0000-0000-0000-000000000000', 'AB0E4567-E89B-12D3-A456-426614174000'],
    no: [
      '123e4567-e89b-12d3-a456-42661417400',
      '123e4567e89b12d3a456426614174000',
      'g23e4567-e89b-12d3-a456-426614174000',
      '123e4567-e89b-12d3-a456',
    ],
  },
  IP: {
    yes: [
      '10.0.0.1',
      '255.255.255.255',
      '127.0.0.1:8080',
      '::1',
      'fe80::1',
      '2001:db8::8a2e:370:7334',
      '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
      '2001:db8::',
      '::ffff:192.0.2.128',
      '[::1]:8080',
      '[2001:db8::1]:443',
      '[::1]',
    ],
    no: ['256.1.1.1', '1.2.3', '10.0.0.1.5', '12:30', '12:30:45', '::', 'a::b::c', '1.2.3.4.5', 'v1.2.3.4'],
  },
  HEX: {
    yes: ['deadbeef', 'abc1234', '0123456789abcdef0123', 'DEADBEEF99', '0xdeadbeef', '1234567'],
    no: ['abc123', 'deadbeeg', 'xdeadbeef', '123456', 'sha256'],
  },
  NUMBER: {
    yes: ['0', '42', '-7', '+3', '3.14', '-0.5', '1000000'],
    no: ['abc', '1.2.3', 'v2', '12abc', '1e10', '.5', '0x1f'],
  },
  DURATION: {
    yes: ['1.5s', '250ms', '3m2s', '1h0m0s', '72h3m0.5s', '12µs', '12μs', '12us', '8ns', '5m', '2h', '-1.5s', '0.25s'],
    no: ['1.5', '250', 'ms', '5d', '3m2', '1.5sec', '10 s', 's1'],
  },
};

describe.each(Object.entries(cases) as [RedactionTokenName, { yes: string[]; no: string[] }][])('[%s]', (name, { yes, no }) => {
  it.each(yes)('matches %j', (value) => {
    expect(matchesWhole(name, value)).toBe(true);
  });
  it.each(no)('does not match %j', (value) => {
    expect(matchesWhole(name, value)).toBe(false);
  });
});

describe('token boundaries', () => {
  it.each([
    ['NUMBER', '5', 'abc', ''],
    ['NUMBER', '5', '', 'abc'],
    ['HEX', 'deadbeef', 'x', ''],
    ['HEX', 'deadbeef', '', '1x'],
    ['UUID', '123e4567-e89b-12d3-a456-426614174000', 'a', ''],
    ['DURATION', '5s', 'x', ''],
  ] as const)('[%s] does not match %j inside a word', (name, value, before, after) => {
    expect(matchesWhole(name, value, before, after)).toBe(false);
  });
});

describe('REDACTION_TOKENS sources', () => {
  it.each(Object.entries(REDACTION_TOKENS))('%s repeats no group without bound (no nested quantifiers)', (_name, source) => {
    expect(source).not.toMatch(/\)[*+]|\)\{\d+,\}/);
  });
});

describe('redactLine', () => {
  it.each([
    ['[2020-06-09 12:59:52.818][14][debug][main] starting', '[TIMESTAMP][14][debug][main] starting'],
    ['2020/06/09 12:59:52 listening on [::]:8080', '[TIMESTAMP] listening on [::]:8080'],
    ['request 123e4567-e89b-12d3-a456-426614174000 done', 'request [UUID] done'],
    ['from 10.0.0.1:443 to [::1]:8080 via fe80::1', 'from [IP] to [IP] via [IP]'],
    ['commit 3f2a9c1d and 1a2b3c4d5e6f', 'commit [HEX] and [HEX]'],
    ['took 1.5s (250ms connect, 3m2s total)', 'took [DURATION] ([DURATION] connect, [DURATION] total)'],
    ['Date: Mon, 08 Jun 2020 21:58:11 GMT', 'Date: [TIMESTAMP]'],
    ['127.0.0.1 - - [08/Jun/2020:21:58:11 +0000] "GET / HTTP/1.1" 200', '[IP] - - [TIMESTAMP] "GET / HTTP/1.1" 200'],
    ['at 2020-06-09T12:59:52.818Z in 10.1.2.3', 'at [TIMESTAMP] in [IP]'],
  ])('redacts %j', (line, redacted) => {
    expect(redactLine(line)).toBe(redacted);
  });

  it.each([
    'HTTP/1.1 200 OK',
    'exit status 1',
    'version 1.2.3',
    'defaced deadbeat',
    'bytes 12345678',
    'x :: Int',
    'ALTS handshake completed',
  ])('leaves %j alone: status codes, counts, versions and plain words are what a step shows', (line) => {
    expect(redactLine(line)).toBe(line);
  });

  it('redacts plain numbers when asked', () => {
    expect(redactLine('pid 4242 used 3.5 MB, 12345678 bytes', { numbers: true })).toBe('pid [NUMBER] used [NUMBER] MB, [NUMBER] bytes');
  });

  it('puts timestamps before numbers, UUIDs before hex and addresses before numbers', () => {
    expect(redactLine('2020-06-09T12:00:00Z 123e4567-e89b-12d3-a456-426614174000 10.0.0.1 7', { numbers: true })).toBe(
      '[TIMESTAMP] [UUID] [IP] [NUMBER]',
    );
  });

  it('is idempotent', () => {
    const line = '[2020-06-09 12:59:52.818] 10.0.0.1:80 deadbeef1 1.5s 42';
    expect(redactLine(redactLine(line))).toBe(redactLine(line));
    expect(redactLine(redactLine(line, { numbers: true }), { numbers: true })).toBe(redactLine(line, { numbers: true }));
  });
});
