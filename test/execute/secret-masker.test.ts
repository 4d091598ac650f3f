import { describe, expect, it } from 'vitest';
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
