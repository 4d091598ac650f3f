import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { OutputChecker } from '../../src/check/output-checker.js';
import { outputsAgree } from '../../src/check/page-agreement.js';
import { parseTutorial } from '../../src/format/parse-tutorial.js';
import type { Step } from '../../src/format/tutorial.js';

const FENCE = '```';
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project with one tutorial page; the checker is the one a run of it would use. */
function setUp(page: string, update: boolean) {
  const root = mkdtempSync(join(tmpdir(), 'alts-page-'));
  dirs.push(root);
  mkdirSync(join(root, 'tutorials'));
  const file = join(root, 'tutorials', 't.md');
  writeFileSync(file, page);
  const tutorial = parseTutorial(page, file, 't');
  // The snapshot files are listed when the checker is made: a test that writes some makes another.
  const makeChecker = (update: boolean, targetCount = 1) =>
    new OutputChecker({
      place: { projectRoot: root, tutorialId: 't', target: 'local' },
      file,
      targetCount,
      variables: { NAME: 'world' },
      secrets: [],
      update,
    });
  const checker = makeChecker(update);
  const step = (name: string): Step => {
    const found = tutorial.steps.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no step ${name}`);
    return found;
  };
  return { root, file, checker, makeChecker, step };
}

const page = [
  '# T',
  '',
  `${FENCE}console`,
  '$ echo one',
  'old',
  '$ echo two',
  'old two',
  FENCE,
  '',
  `${FENCE}sh { name=three }`,
  'echo three',
  FENCE,
  `${FENCE}output`,
  'old three',
  FENCE,
  '',
].join('\n');

describe('OutputChecker -u with output the page shows', () => {
  it('updates several steps of one run in the page, each at its current place, and then checks against what it wrote', () => {
    const { file, checker, step } = setUp(page, true);
    expect(checker.check(step('t-1'), 'a\nb\nc\n')).toEqual({ status: 'updated', path: `${file}:5` });
    // t-1's output grew by two lines: t-2's is found again where it is now, not at line 7.
    expect(checker.check(step('t-2'), 'hello world\n')).toEqual({ status: 'updated', path: `${file}:9` });
    expect(checker.check(step('three'), '')).toEqual({ status: 'updated', path: `${file}:16` });
    expect(readFileSync(file, 'utf8')).toBe(
      [
        '# T',
        '',
        `${FENCE}console`,
        '$ echo one',
        'a',
        'b',
        'c',
        '$ echo two',
        'hello ${NAME}',
        FENCE,
        '',
        `${FENCE}sh { name=three }`,
        'echo three',
        FENCE,
        `${FENCE}output`,
        FENCE,
        '',
      ].join('\n'),
    );
    // The parsed tutorial still has the old lines; the checker knows what it wrote.
    expect(checker.check(step('t-2'), 'hello world\n').status).toBe('matched');
    expect(checker.check(step('t-1'), 'a\nb\nc\n').status).toBe('matched');
  });

  it('accepting the output the page already shows leaves the file as it is (same inode: not rewritten)', () => {
    const { file, checker, step } = setUp(page, false);
    const inode = statSync(file).ino;
    expect(checker.accept(step('t-1'), 'old\n')).toBe(`${file}:5`);
    expect(statSync(file).ino).toBe(inode);
    expect(readFileSync(file, 'utf8')).toBe(page);
  });

  it('accept (the TUI u) writes into the page too, whatever the output was expected to be', () => {
    const { file, checker, step } = setUp(page, false);
    expect(checker.check(step('t-1'), 'new\n').status).toBe('mismatch');
    expect(checker.accept(step('t-1'), 'new\n')).toBe(`${file}:5`);
    expect(readFileSync(file, 'utf8')).toContain('$ echo one\nnew\n$ echo two\n');
  });

  it('a step with a snapshot file gets the file, and the page only when the page would disagree with it', () => {
    const { root, file, makeChecker, step } = setUp(page, true);
    const snapshots = join(root, 'snapshots', 't', 'local');
    mkdirSync(snapshots, { recursive: true });
    writeFileSync(join(snapshots, 't-1.txt'), 'stale\n');
    writeFileSync(join(snapshots, 't-2.txt'), 'stale\n');
    const fresh = makeChecker(true, 2);
    // The page shows "old" already: the snapshot alone is rewritten.
    expect(fresh.check(step('t-1'), 'old\n')).toEqual({ status: 'updated', path: expect.stringContaining('snapshots/t/local/t-1.txt') });
    expect(readFileSync(join(snapshots, 't-1.txt'), 'utf8')).toBe('old\n');
    // Both are stale: both are rewritten, the page first in the message.
    const both = fresh.check(step('t-2'), 'new two\n');
    expect(both).toEqual({ status: 'updated', path: expect.stringMatching(/^.*t\.md:7 and .*snapshots\/t\/local\/t-2\.txt$/) });
    expect(readFileSync(join(snapshots, 't-2.txt'), 'utf8')).toBe('new two\n');
    expect(readFileSync(file, 'utf8')).toContain('$ echo two\nnew two\n');
    expect(readdirSync(join(root, 'tutorials'))).toEqual(['t.md']);
  });

  it('without -u, a page that disagrees with a snapshot the output matched is a mismatch at the page’s line', () => {
    const { root, file, makeChecker, step } = setUp(page, false);
    mkdirSync(join(root, 'snapshots', 't'), { recursive: true });
    writeFileSync(join(root, 'snapshots', 't', 't-1.txt'), 'new\n');
    const checker = makeChecker(false);
    const outcome = checker.check(step('t-1'), 'new\n');
    expect(outcome.status).toBe('mismatch');
    if (outcome.status !== 'mismatch') return;
    expect(outcome.reason).toContain(`the output shown at ${file}:5 is stale`);
    expect(outcome.diff).toContain('-old');
    expect(outcome.diff).toContain('+new');
    // Nothing was written.
    expect(readFileSync(file, 'utf8')).toBe(page);
  });
});

describe('OutputChecker -u with output the page cannot hold as printed', () => {
  it('a tab that Markdown would turn into spaces in a list item is refused with a clear error, and nothing is written', () => {
    const listed = [
      '- Run:',
      '',
      `  ${FENCE}sh { name=tabbed }`,
      "  printf '\\tx\\n'",
      `  ${FENCE}`,
      `  ${FENCE}output`,
      '  old',
      `  ${FENCE}`,
      '',
    ].join('\n');
    const { file, checker, step } = setUp(listed, true);
    expect(() => checker.check(step('tabbed'), '\tx\n')).toThrow(/the output of step "tabbed" cannot stand in .*t\.md as it was printed/);
    expect(readFileSync(file, 'utf8')).toBe(listed);
    // Spaces are fine there.
    expect(checker.check(step('tabbed'), '    x\n')).toEqual({ status: 'updated', path: `${file}:7` });
  });
});

describe('outputsAgree', () => {
  const agree = (shown: string[], snapshot: string[], variables: Record<string, string> = {}) =>
    outputsAgree(shown, snapshot, 'lines', variables);

  it('agrees on the same text, on a pattern either side holds, and on $NAME, ${NAME} and the value', () => {
    expect(agree(['[TIMESTAMP] up'], ['[TIMESTAMP] up'])).toBe(true);
    expect(agree(['2024-01-02T03:04:05Z up'], ['[TIMESTAMP] up'])).toBe(true);
    expect(agree(['[..] up'], ['anything up'])).toBe(true);
    expect(agree(['hello $NAME'], ['hello ${NAME}'], { NAME: 'world' })).toBe(true);
    expect(agree(['hello world'], ['hello ${NAME}'], { NAME: 'world' })).toBe(true);
    expect(agree(['a', '', ''], ['a'])).toBe(true);
  });

  it('disagrees when neither side can stand for the other', () => {
    expect(agree(['hello $NAME'], ['goodbye ${NAME}'], { NAME: 'world' })).toBe(false);
    expect(agree(['one'], ['one', 'two'])).toBe(false);
    expect(agree(['[TIMESTAMP] up'], ['[..] down'])).toBe(false);
  });
});
