import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, describe, expect, it } from 'vitest';
import { reportProject, SECRET } from '../report/report-project.js';
import { runCli } from './helpers.js';

const projects: Array<{ remove(): void }> = [];
afterAll(() => {
  for (const project of projects.splice(0)) project.remove();
});

async function project() {
  const made = await reportProject();
  projects.push(made);
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: made.dir, env: { ...made.env, ...env } });
  return { ...made, cli };
}

type Case = Record<string, unknown> & { name: string };
const parseXml = (text: string) =>
  new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    trimValues: false,
    isArray: (name) => ['testsuite', 'testcase'].includes(name),
  }).parse(text).testsuites as { testsuite: Array<{ name: string; testcase: Case[] }> } & Record<string, string>;

describe('test with several reporters', () => {
  it('writes plain to stdout and JUnit, HTML and JSON to their files from one run, none holding the secret', async () => {
    const { dir, cli } = await project();
    const result = await cli([
      'test',
      '--target',
      'local',
      '--ci',
      '--reporter',
      'plain',
      '--reporter',
      'junit:out/junit.xml',
      '--reporter',
      'html:report.html',
      '--reporter',
      'json:out/report.json',
    ]);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('✗ alpha-2');
    expect(result.stdout).toMatch(/^ {2}full log: alts-tutor logs alpha-\d{8}-\d{6}-[0-9a-f]{4} alpha-2$/m);
    expect(result.stdout).toContain('note: delta: skipped, it has no target local');

    const junitText = readFileSync(join(dir, 'out', 'junit.xml'), 'utf8');
    expect(XMLValidator.validate(junitText)).toBe(true);
    const junit = parseXml(junitText);
    const suite = (name: string) => junit.testsuite.find((entry) => entry.name === name);
    const alpha = suite('alpha (local)')?.testcase ?? [];
    expect(alpha.map((entry) => [entry.name, entry.file, entry.line])).toEqual([
      ['alpha-1', 'tutorials/alpha.md', '6'],
      ['alpha-2', 'tutorials/alpha.md', '8'],
      ['alpha-3', 'tutorials/alpha.md', '10'],
    ]);
    expect(alpha[0]?.['system-out']).toBe('alpha\n');
    expect(alpha[1]).toMatchObject({
      failure: { type: 'mismatch', '#text': expect.stringContaining('-green alert <b>bold?</b>\n+red alert <b>bold?</b>') },
      'system-out': 'red alert <b>bold?</b>\n',
    });
    expect(alpha[2]).toMatchObject({ skipped: { message: 'not run: an earlier step failed' } });
    expect(suite('delta')?.testcase).toEqual([expect.objectContaining({ name: '(tutorial)', skipped: { message: 'no target local' } })]);
    expect(suite('foxtrot')?.testcase[0]).toMatchObject({ name: '(tutorial)', error: expect.anything() });
    expect(suite('charlie (local)')?.testcase[0]).toMatchObject({ name: 'stops', line: '6', failure: { type: 'exit-status' } });

    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<span style="color:rgb(187, 0, 0)">red</span> alert &lt;b&gt;bold?&lt;/b&gt;');
    expect(html).toContain('<span class="add">+red alert &lt;b&gt;bold?&lt;/b&gt;</span>');

    const events = readFileSync(join(dir, 'out', 'report.json'), 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; tutorial?: string });
    expect(events.filter((event) => event.type === 'tutorial-skipped').map((event) => event.tutorial)).toContain('delta');
    expect(events.filter((event) => event.type === 'run-start').map((event) => event.tutorial)).toEqual([
      'alpha',
      'bravo',
      'charlie',
      'echo-secret',
      'golf',
    ]);

    for (const text of [result.stdout, junitText, html, readFileSync(join(dir, 'out', 'report.json'), 'utf8')]) {
      expect(text).not.toContain(SECRET);
    }
    expect(junitText).toContain('token [SECRET]');
  });

  it('--reporter junit --output F still writes the one report to F', async () => {
    const { dir, cli } = await project();
    const result = await cli(['test', 'bravo', '--reporter', 'junit', '--output', 'j.xml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(parseXml(readFileSync(join(dir, 'j.xml'), 'utf8')).testsuite[0]?.testcase[0]).toMatchObject({ name: 'bravo-1' });
  });

  it.each([
    [['--reporter', 'junit:'], 'alts-tutor: --reporter junit: names no file'],
    [['--reporter', 'xml:out.xml'], 'alts-tutor: unknown reporter "xml" in --reporter xml:out.xml'],
    [['--reporter', 'json', '--reporter', 'junit'], 'alts-tutor: --reporter json and junit would both write to stdout'],
    [['--reporter', 'junit', '--reporter', 'html', '--output', 'x'], 'alts-tutor: --output goes with a single --reporter'],
  ])('refuses %j with one line and exit 2, before running anything', async (args, line) => {
    const { home, cli } = await project();
    const result = await cli(['test', 'bravo', ...args]);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')[0]).toBe(line);
    expect(result.stderr).not.toContain('    at ');
    expect(result.stdout).toBe('');
    expect(() => readFileSync(join(home, 'sessions'))).toThrow();
  });
});

describe('the github reporter', () => {
  it('under GitHub Actions: annotations at the failing lines beside the plain report, and a job summary appended', async () => {
    const { dir, cli } = await project();
    const summaryFile = join(dir, 'step-summary.md');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(summaryFile, '# earlier step\n');
    const result = await cli(['test', 'alpha', 'bravo', 'charlie', '--ci'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ alpha-2');
    const annotations = result.stderr.split('\n').filter((line) => line.startsWith('::'));
    expect(annotations).toEqual([
      expect.stringMatching(
        /^::error file=tutorials\/alpha\.md,line=8,title=alpha%3A step alpha-2 failed::output differs from .*%0A.*-green alert/,
      ),
      // The script's second line: `false`.
      expect.stringMatching(/^::error file=tutorials\/charlie\.md,line=7,title=charlie%3A step stops failed::/),
    ]);
    const summary = readFileSync(summaryFile, 'utf8');
    expect(summary.startsWith('# earlier step\n## alts-tutor: ❌ failed\n')).toBe(true);
    expect(summary).toContain('| ✅ | bravo | local | 1 passed, 0 failed |');
    expect(summary).toContain('```diff\n--- expected');
    expect(summary).toContain('&lt;b&gt;bold?&lt;/b&gt;');
  });
});
