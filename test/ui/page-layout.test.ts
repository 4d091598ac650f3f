import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { render } from 'ink-testing-library';
import { createElement as h } from 'react';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { parseTutorial } from '../../src/format/parse-tutorial.js';
import { App } from '../../src/ui/App.js';
import { followTop, maxTop, stepPage } from '../../src/ui/components/StepDetail.js';
import { markdownRows } from '../../src/ui/markdown-text.js';
import { pageLeads } from '../../src/ui/page-leads.js';
import { rowText, textWidth, wrapLine, wrapSegments } from '../../src/ui/wrap-rows.js';
import { FakeController, plannedStep, stepResult, testPlan, waitFor } from './helpers.js';

const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'tui-page', 'tutorials', 'page.md');
const texts = (markdown: string, width: number) => markdownRows(markdown, width).map(rowText);

describe('the tutorial keeps the whole page', () => {
  const tutorial = parseTutorial(readFileSync(FIXTURE, 'utf8'), 'page.md', 'page');

  test('the first step leads with the introduction, headings included; the next with the prose between', () => {
    const [accounts, listing, cleanup] = tutorial.steps;
    expect(accounts?.lead).toMatch(/^# A whole page\n\nThis introduction comes before the first step: INTRO-MARKER/);
    expect(accounts?.lead).toContain('> QUOTE-MARKER');
    expect(accounts?.lead).toContain('## Make the accounts');
    // The prose a step had before keeps its meaning: what stands under its own heading.
    expect(accounts?.prose).not.toContain('INTRO-MARKER');
    expect(listing?.lead).toBe('BETWEEN-MARKER: this prose stands after the first step, before the next heading.\n\n## List them');
    expect(cleanup?.lead).toBe('## Clean up');
  });

  test('the closing prose is what follows the last step', () => {
    expect(tutorial.closing).toBe('## What you built\n\nCLOSING-MARKER: the prose after the last step closes the page.');
    expect(parseTutorial('# T\n\n```sh\necho hi\n```\n', 't.md', 't').closing).toBeUndefined();
  });
});

describe('the prose of steps a run leaves out', () => {
  const markdown = [
    '---',
    'targets:',
    '  gcp: { hosts: {} }',
    '  lab: { hosts: {} }',
    '---',
    '# Two ways',
    '',
    'The introduction.',
    '',
    '```sh { name=build targets=gcp }',
    'go build ./...',
    '```',
    '',
    'In the lab, build offline.',
    '',
    '```sh { name=build-offline targets=lab }',
    './build-offline.sh',
    '```',
    '',
    '## Clean up',
    '',
    '```sh { name=delete-vms targets=gcp teardown=true }',
    'gcloud compute instances delete vm',
    '```',
    '',
    'The end.',
  ].join('\n');
  const tutorial = parseTutorial(markdown, 'two.md', 'two');
  const offline = tutorial.steps.find((step) => step.name === 'build-offline');

  test('go to the next step shown, with their commands marked as not run here', () => {
    const { leads, tail } = pageLeads(tutorial.steps, offline ? [offline] : []);
    expect(leads.get('build-offline')).toBe(
      '# Two ways\n\nThe introduction.\n\n*build (runs on gcp only):*\n\n```\ngo build ./...\n```\n\nIn the lab, build offline.',
    );
    expect(tail).toBe('## Clean up\n\n*delete-vms (runs on gcp only):*\n\n```\ngcloud compute instances delete vm\n```');
    expect(tutorial.closing).toBe('The end.');
  });

  test('a run with every step shown keeps each its own lead', () => {
    const { leads, tail } = pageLeads(tutorial.steps, tutorial.steps);
    expect(leads.get('build-offline')).toBe('In the lab, build offline.');
    expect(tail).toBe('');
  });
});

describe('rows', () => {
  test('hard wrapping keeps every character, no row wider than the width', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.integer({ min: 1, max: 90 }), (text, width) => {
        const line = text.replace(/\n/g, ' ');
        const rows = wrapLine(line, width);
        expect(rows.join('')).toBe(line);
        for (const row of rows) expect(textWidth(row)).toBeLessThanOrEqual(Math.max(width, 2));
      }),
    );
  });

  test('words wrap at spaces, and a word longer than a row is cut where the row ends', () => {
    const rows = wrapSegments([{ text: 'the quick brown fox jumps over https://example.com/a/very/long/path' }], 16, { words: true });
    expect(rows.map(rowText)).toEqual(['the quick brown', 'fox jumps over', 'https://example.', 'com/a/very/long/', 'path']);
  });

  test('a word that goes on across segments breaks only at a space', () => {
    const rows = wrapSegments(
      [{ text: 'grpc-go that Debian packages (' }, { text: 'golang-grpc-dev', style: { bold: true } }, { text: ').' }],
      30,
      {
        words: true,
      },
    );
    expect(rows.map(rowText)).toEqual(['grpc-go that Debian packages', '(golang-grpc-dev).']);
  });

  test('wide characters take two columns', () => {
    expect(wrapLine('漢字漢字漢字', 5)).toEqual(['漢字', '漢字', '漢字']);
  });

  test('a first-row prefix hangs the rows after it', () => {
    const rows = wrapSegments([{ text: 'alpha beta gamma delta' }], 12, { words: true, first: { text: '• ' } });
    expect(rows.map(rowText)).toEqual(['• alpha beta', '  gamma', '  delta']);
  });
});

describe('Markdown as rows', () => {
  test('a block quote behind a bar, never its raw marker; nested blocks inside it', () => {
    const rows = texts('> quoted **words**\n>\n> - an item', 40);
    expect(rows).toEqual(['│ quoted words', '│', '│ • an item']);
  });

  test('a table as aligned columns, or as header: cell lines when too wide', () => {
    const table = '| Account | Role |\n| --- | --- |\n| alts-client | calls the server |';
    expect(texts(table, 40)).toEqual(['Account     │ Role', '────────────┼─────────────────', 'alts-client │ calls the server']);
    expect(texts(table, 20)).toEqual(['Account: alts-client', 'Role: calls the', 'server']);
  });

  test('links keep their URL; code spans, numbered and nested lists, code blocks, rules and headings', () => {
    const rows = texts(
      '## Set up\n\nSee [the docs](https://example.com/docs) and <https://example.com>, run `make`.\n\n3. third\n4. fourth\n   - nested\n\n```yaml\nkey: value\n```\n\n---',
      80,
    );
    expect(rows).toEqual([
      'Set up',
      '',
      'See the docs (https://example.com/docs) and https://example.com, run make.',
      '',
      '3. third',
      '4. fourth',
      '   • nested',
      '',
      '  key: value',
      '',
      '─'.repeat(80),
    ]);
  });

  test('control characters in prose are shown, not sent', () => {
    expect(texts('Run \u001b[8mthis\u001b[0m \u202e.', 40)).toEqual(['Run ^[[8mthis^[[0m <U+202E>.']);
  });
});

describe("a step's page", () => {
  const step = plannedStep('build', { lead: 'Intro line one.\n\nIntro line two.', command: 'make all' });

  test('before it runs, following keeps the command at the bottom of the view', () => {
    const page = stepPage({ step, index: 0, total: 2, status: 'pending', width: 40, closing: 'The end.' });
    const rows = page.rows.map(rowText);
    expect(rows.slice(0, page.anchor)).toEqual([
      'Step 1/2 · build · on local',
      '',
      'Intro line one.',
      '',
      'Intro line two.',
      '',
      '$ make all',
    ]);
    expect(rows.slice(page.anchor)).toEqual(['', '── after the last step', 'The end.']);
    // Four rows of view: three rows of page and the position row; the command is the last of them.
    expect(followTop(page, 4)).toBe(4);
    expect(maxTop(page, 4)).toBe(7);
  });

  test('once run, following keeps the end of the output in sight; a diff goes to the top', () => {
    const output = { lines: Array.from({ length: 20 }, (_, index) => `line ${index + 1}`), dropped: 0 };
    const result = stepResult(step);
    const page = stepPage({ step, index: 0, total: 2, status: 'passed', result, output, width: 40 });
    expect(rowText(page.rows[page.anchor - 1] ?? [])).toBe('line 20');
    const top = followTop(page, 10);
    expect(
      page.rows
        .slice(top, top + 9)
        .map(rowText)
        .at(-1),
    ).toBe('line 20');
    const diffed = stepPage({ step, index: 0, total: 2, status: 'failed', result, output, diff: '-a\n+b\n', width: 40 });
    expect(rowText(diffed.rows[followTop(diffed, 5) + 2] ?? [])).toBe('── output mismatch (expected → actual)');
  });
});

describe('App at 60x15', () => {
  let instance: ReturnType<typeof render> | undefined;
  afterEach(() => instance?.unmount());

  test('the step list collapses to one row and the page takes the rest', async () => {
    const steps = Array.from({ length: 12 }, (_, index) => plannedStep(`step-${index + 1}`, { section: `Part ${index + 1}` }));
    instance = render(h(App, { controller: new FakeController(testPlan(steps)), variables: [], onExit: vi.fn() }));
    const current = instance;
    Object.defineProperty(current.stdout, 'columns', { value: 60, configurable: true });
    Object.defineProperty(current.stdout, 'rows', { value: 15, configurable: true });
    current.stdout.emit('resize');
    await waitFor(() => expect(current.lastFrame()?.split('\n')).toHaveLength(14));
    const lines = (current.lastFrame() ?? '').split('\n');
    expect(lines[2]).toMatch(/^1\/12 ○ step-1/);
    expect(current.lastFrame()).not.toContain('Part 2');
    expect(lines[3]).toBe('Step 1/12 · step-1 · on local');
    expect(lines.at(-1)).toBe('Enter run · ↑/↓ step · PgUp/PgDn scroll · ? keys · q quit');
    for (const line of lines) expect(textWidth(line)).toBeLessThanOrEqual(60);
  });
});
