import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { XMLParser } from 'fast-xml-parser';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { reportProject, SECRET } from '../report/report-project.js';
import { BIN, runCli } from './helpers.js';
import { Terminal } from './terminal-driver.js';

const projects: Array<{ remove(): void }> = [];
const terminals: Terminal[] = [];
afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.close();
});
afterAll(() => {
  for (const project of projects.splice(0)) project.remove();
});

async function project() {
  const made = await reportProject();
  projects.push(made);
  return made;
}

const caseNames = (file: string): string[] => {
  const parsed = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '',
    isArray: (name) => ['testsuite', 'testcase'].includes(name),
  }).parse(readFileSync(file, 'utf8'));
  return (parsed.testsuites.testsuite as Array<{ testcase: Array<{ name: string }> }>).flatMap((suite) =>
    suite.testcase.map((entry) => entry.name),
  );
};

describe('run with several reporters', () => {
  it('prints plain lines and writes JUnit and HTML of the same run, secrets masked', async () => {
    const { dir, env } = await project();
    const result = await runCli(
      ['run', 'echo-secret', '--yes', '--reporter', 'plain', '--reporter', 'junit:run.xml', '--reporter', 'html:run.html'],
      {
        cwd: dir,
        env,
      },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('✗ echo-1');
    expect(caseNames(join(dir, 'run.xml'))).toEqual(['echo-1']);
    const html = readFileSync(join(dir, 'run.html'), 'utf8');
    expect(html).toContain('<span class="add">+token [SECRET]</span>');
    expect(html + readFileSync(join(dir, 'run.xml'), 'utf8') + result.stdout).not.toContain(SECRET);
  });

  it('refuses a file for the TUI and two reporters on stdout, with exit 2', async () => {
    const { dir, env } = await project();
    const tui = await runCli(['run', 'bravo', '--yes', '--reporter', 'pretty:x.txt'], { cwd: dir, env });
    expect(tui.code).toBe(2);
    expect(tui.stderr).toBe('alts-tutor: --reporter pretty:x.txt: pretty is the terminal UI, it writes no file\n');
    const two = await runCli(['run', 'bravo', '--yes', '--reporter', 'json', '--reporter', 'plain'], { cwd: dir, env });
    expect(two.code).toBe(2);
    expect(two.stderr.split('\n')[0]).toBe('alts-tutor: --reporter json and plain would both write to stdout');
  });

  it('keeps the TUI on a terminal and writes the JUnit file beside it', async () => {
    const { dir, home } = await project();
    const terminal = new Terminal(`NO_COLOR=1 ALTS_TUTOR_HOME=${home} env -u CI node ${BIN} run golf --reporter junit:tui.xml`, dir);
    terminals.push(terminal);
    await terminal.waitFor('0/2 passed');
    // A person reads the first frame before pressing a key.
    await new Promise((resolve) => setTimeout(resolve, 300));
    terminal.press('a');
    await terminal.waitFor('2/2 passed');
    terminal.press('q');
    expect(await terminal.waitFor('EXIT=')).toContain('EXIT=0');
    expect(caseNames(join(dir, 'tui.xml'))).toEqual(['golf-1', 'golf-2']);
  });
});
