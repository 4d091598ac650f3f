import { describe, expect, it } from 'vitest';
import { scanDocument } from '../../src/import/scan-document.js';
import { doc, FENCE } from './helpers.js';

describe('scanDocument', () => {
  it('splits fences, headings and loose lines, each with its source line', () => {
    const scanned = scanDocument(doc('# Title', 'Some prose.', '', `${FENCE}bash { name=x }`, '$ echo hi', 'hi', FENCE, 'after'));
    expect(scanned.markdown).toBe(true);
    expect(scanned.regions).toEqual([
      { kind: 'heading', depth: 1, text: 'Title', line: 1 },
      {
        kind: 'loose',
        lines: [
          { text: 'Some prose.', line: 2 },
          { text: '', line: 3 },
        ],
      },
      {
        kind: 'fence',
        lang: 'bash',
        line: 4,
        lines: [
          { text: '$ echo hi', line: 5 },
          { text: 'hi', line: 6 },
        ],
      },
      {
        kind: 'loose',
        lines: [
          { text: 'after', line: 8 },
          { text: '', line: 9 },
        ],
      },
    ]);
  });

  it('reads a fence indented in a list item without its indentation, and a longer closing fence', () => {
    const scanned = scanDocument(doc('1. Run:', '   ~~~~sh', '   $ ls', '   ~~~~~'));
    expect(scanned.regions[1]).toEqual({ kind: 'fence', lang: 'sh', line: 2, lines: [{ text: '$ ls', line: 3 }] });
  });

  it('keeps an unclosed fence to the end of the document', () => {
    const scanned = scanDocument(doc(FENCE, '$ ls', 'a'));
    expect(scanned.regions).toHaveLength(1);
    expect(scanned.regions[0]).toMatchObject({ kind: 'fence', lines: [{ text: '$ ls' }, { text: 'a' }, { text: '' }] });
  });

  it('takes a setext underline as a heading, but not a thematic break after a blank line', () => {
    const scanned = scanDocument(doc('Setup', '-----', '', '---', 'text'));
    expect(scanned.regions[0]).toEqual({ kind: 'heading', depth: 2, text: 'Setup', line: 1 });
    expect(scanned.regions[1]).toMatchObject({ kind: 'loose', lines: [{ text: '' }, { text: '---' }, { text: 'text' }, { text: '' }] });
  });

  it('calls a document without fences or headings plain text, and dense when paragraphs have no blank lines between', () => {
    const dense = scanDocument(Array.from({ length: 30 }, (_, index) => `line ${index}`).join('\n'));
    expect(dense).toMatchObject({ markdown: false, dense: true });
    const airy = scanDocument(Array.from({ length: 30 }, (_, index) => (index % 2 ? '' : `line ${index}`)).join('\n'));
    expect(airy).toMatchObject({ markdown: false, dense: false });
  });
});
