import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linesForBlock, type PageEdit, updatePage } from '../../src/check/page-update.js';
import { parseTutorial } from '../../src/format/parse-tutorial.js';
import type { Step } from '../../src/format/tutorial.js';

const FENCE = '```';
const md = (...lines: string[]) => `${lines.join('\n')}\n`;
const parse = (text: string) => parseTutorial(text, 'tutorials/t.md', 't');

/** The edit that gives step `name` of `text` the shown output `lines`. */
function editFor(text: string, name: string, lines: string[]): PageEdit {
  const span = parse(text).steps.find((step) => step.name === name)?.expected?.span;
  if (!span) throw new Error(`step ${name} shows no output`);
  return { span, lines };
}

const shown = (step: Step | undefined) => step?.expected?.lines ?? [];

describe('updatePage', () => {
  const page = md(
    '# Demo',
    '',
    `${FENCE}console`,
    '$ echo one',
    'old one',
    '$ echo two',
    'old two',
    'old two, second line',
    '$ false',
    '[1]',
    FENCE,
    '',
    'Some prose.',
    '',
    `${FENCE}sh { name=script }`,
    'printf "a\\nb\\n"',
    FENCE,
    `${FENCE}output`,
    'x',
    FENCE,
    '',
    'The end.',
  );

  it('replaces a transcript command’s output lines and keeps every other byte', () => {
    const updated = updatePage(page, [editFor(page, 'demo-1', ['new one'])]);
    expect(updated).toBe(page.replace('old one\n', 'new one\n'));
  });

  it('applies several edits at once, longer and shorter than before, each where the parser saw it', () => {
    const edits = [
      editFor(page, 'demo-1', ['one', 'two', 'three']),
      editFor(page, 'demo-2', ['short']),
      editFor(page, 'demo-3', ['inserted above [1]']),
      editFor(page, 'script', ['a', 'b']),
    ];
    const updated = updatePage(page, edits);
    // In any order: the result is the same.
    expect(updatePage(page, [...edits].reverse())).toBe(updated);
    const steps = parse(updated).steps;
    expect(steps.map((step) => [step.name, shown(step)])).toEqual([
      ['demo-1', ['one', 'two', 'three']],
      ['demo-2', ['short']],
      ['demo-3', ['inserted above [1]']],
      ['script', ['a', 'b']],
    ]);
    expect(steps.find((step) => step.name === 'demo-3')?.exit).toBe(1);
    expect(updated.endsWith('\nSome prose.\n\n```sh { name=script }\nprintf "a\\nb\\n"\n```\n```output\na\nb\n```\n\nThe end.\n')).toBe(
      true,
    );
  });

  it('empties an output block and a transcript output, keeping the fences and the [N] line', () => {
    const updated = updatePage(page, [editFor(page, 'demo-2', []), editFor(page, 'script', [])]);
    expect(updated).toContain('$ echo two\n$ false\n[1]\n');
    expect(updated).toContain('```output\n```\n');
    expect(parse(updated).steps.map((step) => step.command)).toEqual(parse(page).steps.map((step) => step.command));
  });

  it('keeps CRLF line breaks and writes new lines with them', () => {
    const crlf = page.replace(/\n/g, '\r\n');
    const updated = updatePage(crlf, [editFor(crlf, 'demo-2', ['a', 'b', 'c'])]);
    expect(updated).toBe(crlf.replace('old two\r\nold two, second line\r\n', 'a\r\nb\r\nc\r\n'));
  });

  it('writes the container prefix of a block in a quote or a list item', () => {
    const quoted = md('> Run it:', '>', `> ${FENCE}console`, '> $ echo hi', '> old', '>', '> old again', `> ${FENCE}`, '', 'after');
    const updated = updatePage(quoted, [editFor(quoted, 'step-1', ['hi', '', 'there'])]);
    expect(updated).toBe(md('> Run it:', '>', `> ${FENCE}console`, '> $ echo hi', '> hi', '>', '> there', `> ${FENCE}`, '', 'after'));
    const listed = md('1. Run:', '', `   ${FENCE}sh`, '   echo hi', `   ${FENCE}`, `   ${FENCE}output`, '   old', `   ${FENCE}`);
    const inList = updatePage(listed, [editFor(listed, 'step-1', ['hi', 'two'])]);
    expect(inList).toBe(
      md('1. Run:', '', `   ${FENCE}sh`, '   echo hi', `   ${FENCE}`, `   ${FENCE}output`, '   hi', '   two', `   ${FENCE}`),
    );
    expect(shown(parse(inList).steps[0])).toEqual(['hi', 'two']);
  });

  it('an empty output block on a list marker line gets the marker’s width as its prefix', () => {
    const page = md(`${FENCE}sh`, 'echo hi', FENCE, `- ${FENCE}output`, `  ${FENCE}`, '', 'after');
    expect(parse(page).steps[0]?.expected?.span).toEqual({ line: 5, lineCount: 0, prefix: '  ', block: 'fence' });
    const updated = updatePage(page, [editFor(page, 'step-1', ['hi', '', 'there'])]);
    expect(updated).toBe(md(`${FENCE}sh`, 'echo hi', FENCE, `- ${FENCE}output`, '  hi', '', '  there', `  ${FENCE}`, '', 'after'));
    expect(shown(parse(updated).steps[0])).toEqual(['hi', '', 'there']);
  });

  it('refuses overlapping edits (one step, one span)', () => {
    const edit = editFor(page, 'demo-1', ['x']);
    expect(() => updatePage(page, [edit, edit])).toThrow(/overlap/);
  });
});

describe('linesForBlock', () => {
  it('keeps output that would start a command, continue one, give an exit status or close a fence from doing so', () => {
    expect(linesForBlock(['> continued?', '$ ls', '$', 'fine', '```', '  ~~~~', '[3]'], 'transcript')).toEqual([
      '[..] continued?',
      '[..] ls',
      '[..]',
      'fine',
      '[..]``',
      '  [..]~~~',
      '[..]3]',
    ]);
    // In an output block only a fence would mean something.
    expect(linesForBlock(['$ ls', '> quote', '```', '[3]'], 'fence')).toEqual(['$ ls', '> quote', '[..]``', '[3]']);
  });

  it('drops leading and trailing blank lines, which matching ignores', () => {
    expect(linesForBlock(['', ' ', 'a', '', 'b', '', ''], 'fence')).toEqual(['a', '', 'b']);
  });

  it('any output written into a transcript parses back as exactly those lines, and the commands stay the same', () => {
    const page = md('# T', '', `${FENCE}console`, '$ echo one', 'old', '$ echo two', 'older', '[2]', FENCE, 'tail');
    const line = fc.stringMatching(/^[ a-z$>[\]0-9`~]{0,12}$/);
    fc.assert(
      fc.property(fc.array(line, { maxLength: 6 }), fc.array(line, { maxLength: 6 }), (first, second) => {
        const a = linesForBlock(first, 'transcript');
        const b = linesForBlock(second, 'transcript');
        const updated = updatePage(page, [editFor(page, 't-1', first), editFor(page, 't-2', second)]);
        const steps = parse(updated).steps;
        expect(steps.map((step) => [step.command, step.exit])).toEqual([
          ['echo one', 0],
          ['echo two', 2],
        ]);
        const trimmed = (lines: string[]) => (lines.at(-1)?.trim() === '' ? lines.slice(0, -1) : lines);
        expect(trimmed(shown(steps[0]))).toEqual(a);
        expect(trimmed(shown(steps[1]))).toEqual(b);
        expect(updated.endsWith('```\ntail\n')).toBe(true);
      }),
    );
  });

  it('in any container and with any line breaks, edits change only their spans: every other line stays byte for byte', () => {
    const blocks = [
      ['# T', '', `${FENCE}console`, '$ echo one', 'old one', '[1]', FENCE],
      ['', '> Quoted:', '>', `> ${FENCE}console`, '> $ echo two', '> old two', `> ${FENCE}`],
      [
        '',
        '1. Listed:',
        '',
        `   ${FENCE}sh`,
        '   echo three',
        `   ${FENCE}`,
        `   ${FENCE}output`,
        '   old three',
        `   ${FENCE}`,
        '',
        'tail',
      ],
    ];
    const line = fc.stringMatching(/^[ a-z$>[\]0-9`~]{0,10}$/);
    fc.assert(
      fc.property(
        fc.constantFrom('\n', '\r\n'),
        fc.array(fc.array(line, { maxLength: 4 }), { minLength: 3, maxLength: 3 }),
        (end, outputs) => {
          const page = `${blocks.flat().join(end)}${end}`;
          const names = parse(page).steps.map((step) => step.name);
          const edits = names.map((name, index) => editFor(page, name, outputs[index] ?? []));
          const updated = updatePage(page, edits);
          // Outside the spans, the lines are the page's own, in order, with their breaks.
          const outside = (text: string, spans: PageEdit['span'][]) => {
            const lines = text.split(end);
            return lines.filter((_, index) => !spans.some((span) => index + 1 >= span.line && index + 1 < span.line + span.lineCount));
          };
          const after = parse(updated);
          const newSpans = after.steps.flatMap((step) => (step.expected?.span ? [step.expected.span] : []));
          expect(outside(updated, newSpans)).toEqual(
            outside(
              page,
              edits.map((edit) => edit.span),
            ),
          );
          expect(after.steps.map((step) => step.command)).toEqual(['echo one', 'echo two', 'echo three']);
          after.steps.forEach((step, index) => {
            const kind = index === 2 ? 'fence' : 'transcript';
            expect(shown(step).filter((text, at, all) => at < all.length - 1 || text.trim() !== '')).toEqual(
              linesForBlock(outputs[index] ?? [], kind),
            );
          });
        },
      ),
    );
  });
});
