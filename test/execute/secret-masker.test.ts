import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ESCAPE_SEQUENCES } from '../../src/escape-sequences.js';
import { maskText, SecretMasker } from '../../src/execute/secret-masker.js';

function maskChunks(secrets: string[], chunks: Buffer[]): string {
  const masker = new SecretMasker(secrets);
  const parts = chunks.map((chunk) => masker.push(chunk));
  parts.push(masker.flush());
  return Buffer.concat(parts).toString('utf8');
}

describe('SecretMasker', () => {
  const secret = 'hunter2-päss';
  const text = Buffer.from(`user=alice password=${secret} again:${secret}\nend`);
  const masked = 'user=alice password=[SECRET] again:[SECRET]\nend';

  it('masks every occurrence of a secret in one chunk', () => {
    expect(maskChunks([secret], [text])).toBe(masked);
  });

  it('masks a secret split across two chunks at any byte', () => {
    for (let at = 0; at <= text.length; at++) {
      expect(maskChunks([secret], [text.subarray(0, at), text.subarray(at)]), `split at ${at}`).toBe(masked);
    }
  });

  it('masks a secret fed one byte at a time', () => {
    expect(
      maskChunks(
        [secret],
        [...text].map((byte) => Buffer.from([byte])),
      ),
    ).toBe(masked);
  });

  it('never releases a secret in any single pushed piece', () => {
    const masker = new SecretMasker([secret]);
    for (let at = 0; at < text.length; at += 5) {
      const out = masker.push(text.subarray(at, at + 5)).toString('latin1');
      expect(out).not.toContain('hunter');
    }
  });

  it('masks a secret that contains another secret as a whole', () => {
    expect(maskChunks(['abc', 'xxabcxx'], [Buffer.from('1 xxabcxx 2 abc 3')])).toBe('1 [SECRET] 2 [SECRET] 3');
  });

  it('releases held-back bytes on flush', () => {
    const masker = new SecretMasker(['secret-value']);
    const first = masker.push(Buffer.from('ends with secr'));
    expect(first.toString()).not.toContain('secr');
    expect(Buffer.concat([first, masker.flush()]).toString()).toBe('ends with secr');
  });

  it('passes output through unchanged when there are no secrets', () => {
    const masker = new SecretMasker(['']);
    expect(masker.push(Buffer.from('anything')).toString()).toBe('anything');
    expect(masker.flush().length).toBe(0);
  });

  it('maskText masks secrets in a string', () => {
    expect(maskText('token=abc123 and abc123', ['abc123', ''])).toBe('token=[SECRET] and [SECRET]');
  });
});

describe('SecretMasker: quoted forms and escape sequences', () => {
  // Every secret holds the core `Zq9w`: whatever form bash or JSON gives the secret, the core
  // letters stay, so "no core left" means "no form left".
  const secrets = [
    `Zq9w'it's"x`,
    'Zq9w $HOME `date` \\ back',
    'Zq9w\x1bline\nbreak\x01',
    '#Zq9w-start',
    '~Zq9w-tilde',
    'Zq9w-päss;&|<>(){}[]*?!^,',
  ];

  it('masks each secret in the forms bash prints it: set -x, printf %q, ${v@Q}, declare -p, and JSON', () => {
    for (const secret of secrets) {
      const script = [
        'set -x; : "pre${S}post"; set +x',
        'printf "%q\\n" "$S" "pre${S}"',
        'echo "${S@Q}"',
        'declare -p S',
        'A=("x$S"); declare -p A',
      ].join('\n');
      const run = spawnSync('bash', ['-c', script], { env: { S: secret, PATH: process.env.PATH }, encoding: 'utf8' });
      const printed = `${run.stdout}${run.stderr}${JSON.stringify({ token: secret })}`;
      expect(printed, 'bash printed the secret').toContain('Zq9w');
      const masked = maskChunks([secret], [Buffer.from(printed)]);
      expect(masked, JSON.stringify(secret)).not.toContain('Zq9w');
    }
  });

  it('masks a secret that an escape sequence splits, at every chunk boundary', () => {
    const secret = 'Zq9w-tail';
    const text = Buffer.from(`a Zq9\x1b[1mw-\x1b]8;;http://x\x07ta\x1b[0mil b`);
    for (let at = 0; at <= text.length; at++) {
      const masked = maskChunks([secret], [text.subarray(0, at), text.subarray(at)]);
      expect(masked, `split at ${at}`).toBe('a [SECRET] b');
    }
  });

  it('never lets the secret through, whatever the escapes and the chunking', () => {
    const escapes = ['\x1b[1m', '\x1b[38;5;2m', '\x1b]0;t\x07', '\x1bM', ''];
    fc.assert(
      fc.property(
        fc.string({ minLength: 1, maxLength: 12 }).map((tail) => `Zq9w${tail}`),
        fc.array(fc.nat(), { maxLength: 6 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (secret, escapeAt, cuts) => {
          // Sequences go between the secret's characters (a sequence inside a sequence is no sequence).
          const points = [...new Set(escapeAt.map((at) => at % (secret.length + 1)))].sort((a, b) => a - b);
          const printed = [0, ...points, secret.length]
            .slice(1)
            .map((end, i, ends) => secret.slice(i === 0 ? 0 : ends[i - 1], end))
            .join(escapes[points.length % escapes.length]);
          const bytes = Buffer.from(`x ${printed} y`);
          const cutAt = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b);
          const chunks = [0, ...cutAt, bytes.length].slice(1).map((end, i, ends) => bytes.subarray(i === 0 ? 0 : ends[i - 1], end));
          const masked = maskChunks([secret], chunks).replace(ESCAPE_SEQUENCES, '');
          expect(masked).not.toContain(secret);
          expect(masked).not.toContain('Zq9w');
        },
      ),
    );
  });

  it('keeps output without a secret byte for byte, escapes and all', () => {
    const text = Buffer.from('plain \x1b[31mred\x1b[0m, an open one at the end \x1b[3');
    expect(maskChunks(['Zq9w'], [text.subarray(0, 10), text.subarray(10)])).toBe(text.toString());
  });
});
