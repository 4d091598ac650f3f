import { describe, expect, it } from 'vitest';
import { hasHiddenCharacters, showControls, visibleOutput } from '../../src/report/visible-text.js';

describe('showControls', () => {
  it('shows control characters as cat -v does, and keeps newlines and tabs', () => {
    expect(showControls('rm -rf ~\x1b[2K\recho safe')).toBe('rm -rf ~^[[2K^Mecho safe');
    expect(showControls('a\x00b\x07c\x08d\x7f')).toBe('a^@b^Gc^Hd^?');
    expect(showControls('line one\n\tline two')).toBe('line one\n\tline two');
  });

  it('shows the C1 controls and the characters that reorder or hide text by code point', () => {
    expect(showControls('a\u009b2Jb')).toBe('a<U+009B>2Jb');
    expect(showControls('access = "user\u202e \u2066// admin\u2069\u2066"')).toBe(
      'access = "user<U+202E> <U+2066>// admin<U+2069><U+2066>"',
    );
    expect(showControls('zero\u200bwidth\ufeff')).toBe('zero<U+200B>width<U+FEFF>');
  });

  it('leaves ordinary text, accents and emoji alone', () => {
    const text = 'UnaryEcho: héllo wörld ✓ 🚀 — 日本';
    expect(showControls(text)).toBe(text);
    expect(hasHiddenCharacters(text)).toBe(false);
    expect(hasHiddenCharacters('a\x1bb')).toBe(true);
  });
});

describe('visibleOutput', () => {
  it('drops complete escape sequences (colours, cursor moves, titles) and shows every other control', () => {
    expect(visibleOutput('\x1b[32mok\x1b[0m')).toBe('ok');
    expect(visibleOutput('\x1b]0;title\x07shown')).toBe('shown');
    expect(visibleOutput('50%\r100%\x1b')).toBe('50%^M100%^[');
  });
});
