import { describe, expect, it } from 'vitest';
import { MarkerScanner, type ShellEvent } from '../../src/execute/marker-scanner.js';

const NONCE = '0123456789abcdef';
const mark = (fields: string) => `\x1e${NONCE} ${fields}\n`;

/** Comparable form of events: adjacent output merged, since where output splits is free. */
type Normal = { output: string } | { marker: string[] };
function normalize(events: ShellEvent[]): Normal[] {
  const result: Normal[] = [];
  for (const event of events) {
    const last = result.at(-1);
    if (event.type === 'marker') result.push({ marker: event.fields });
    else if (last && 'output' in last) last.output += event.data.toString('latin1');
    else result.push({ output: event.data.toString('latin1') });
  }
  return result.filter((event) => !('output' in event) || event.output !== '');
}

function feed(chunks: Buffer[]): Normal[] {
  const scanner = new MarkerScanner(NONCE);
  return normalize(chunks.flatMap((chunk) => scanner.push(chunk)));
}

const INPUT = Buffer.from(
  [
    'plain line\n',
    mark('pgid 1234'),
    'no newline yet',
    mark('err 3'),
    '\x1e lone separator\n',
    '\x1efedcba9876543210 end 1 0\n', // another session's nonce: output
    `\x1e${NONCE}`, // the nonce without its space: output
    'x\n',
    mark('end 7 0 4321'),
    'tail \x1e\x1e',
  ].join(''),
  'latin1',
);

const EXPECTED: Normal[] = [
  { output: 'plain line\n' },
  { marker: ['pgid', '1234'] },
  { output: 'no newline yet' },
  { marker: ['err', '3'] },
  { output: `\x1e lone separator\n\x1efedcba9876543210 end 1 0\n\x1e${NONCE}x\n` },
  { marker: ['end', '7', '0', '4321'] },
  { output: 'tail \x1e' }, // the last separator might start a marker: held back
];

describe('MarkerScanner', () => {
  it('splits output from marker lines in one chunk, holding back a trailing possible prefix', () => {
    expect(feed([INPUT])).toEqual(EXPECTED);
  });

  it('gives the same events whatever byte the input is split at', () => {
    for (let at = 0; at <= INPUT.length; at++) {
      expect(feed([INPUT.subarray(0, at), INPUT.subarray(at)]), `split at ${at}`).toEqual(EXPECTED);
    }
  });

  it('gives the same events whatever two bytes the input is split at', () => {
    for (let first = 0; first <= INPUT.length; first++) {
      for (let second = first; second <= INPUT.length; second++) {
        const chunks = [INPUT.subarray(0, first), INPUT.subarray(first, second), INPUT.subarray(second)];
        expect(feed(chunks), `split at ${first} and ${second}`).toEqual(EXPECTED);
      }
    }
  });

  it('gives the same events when fed one byte at a time', () => {
    const bytes = [...INPUT].map((byte) => Buffer.from([byte]));
    expect(feed(bytes)).toEqual(EXPECTED);
  });

  it('releases held-back separator bytes once they turn out not to start a marker', () => {
    const scanner = new MarkerScanner(NONCE);
    expect(normalize(scanner.push(Buffer.from('abc\x1e0123')))).toEqual([{ output: 'abc' }]);
    expect(normalize(scanner.push(Buffer.from('X')))).toEqual([{ output: '\x1e0123X' }]);
  });

  it('holds back nothing when the chunk cannot start a marker', () => {
    const scanner = new MarkerScanner(NONCE);
    const chunk = Buffer.alloc(1 << 20, 'x');
    const events = scanner.push(chunk);
    expect(events.reduce((sum, event) => sum + (event.type === 'output' ? event.data.length : 0), 0)).toBe(chunk.length);
  });

  it('waits for the newline that ends a marker', () => {
    const scanner = new MarkerScanner(NONCE);
    expect(scanner.push(Buffer.from(`out\x1e${NONCE} end 1`))).toEqual([{ type: 'output', data: Buffer.from('out') }]);
    expect(normalize(scanner.push(Buffer.from(' 0\nafter')))).toEqual([{ marker: ['end', '1', '0'] }, { output: 'after' }]);
  });

  it('passes binary output through byte for byte', () => {
    const binary = Buffer.from([0, 1, 2, 0x1e, 0xff, 0xfe, 10, 0x1e, 0x30, 10, 0x80]);
    const scanner = new MarkerScanner(NONCE);
    const out = scanner.push(binary).flatMap((event) => (event.type === 'output' ? [event.data] : []));
    expect(Buffer.concat(out)).toEqual(binary);
  });
});
