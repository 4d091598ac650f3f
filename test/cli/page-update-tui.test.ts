import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN, makeProject, removeProjects } from './helpers.js';
import { Terminal } from './terminal-driver.js';

afterAll(removeProjects);

const terminals: Terminal[] = [];
afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.close();
});

/** A person reads the first frame before pressing a key; so does the test. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

const FENCE = '```';
const PAGE = [
  '---',
  'variables:',
  '  NAME: { default: world }',
  '---',
  '# Accept in place',
  '',
  `${FENCE}console`,
  '$ echo "hello $NAME"',
  'hallo $NAME',
  '$ echo second',
  'second',
  FENCE,
  '',
].join('\n');

describe('the TUI’s u', () => {
  it('writes the actual output into the transcript the page shows, changing that line only', async () => {
    const { dir, home } = makeProject('cli');
    for (const file of readdirSync(join(dir, 'tutorials'))) rmSync(join(dir, 'tutorials', file));
    const page = join(dir, 'tutorials', 'accept.md');
    writeFileSync(page, PAGE);
    const terminal = new Terminal(`NO_COLOR=1 ALTS_TUTOR_HOME=${home} env -u CI node ${BIN} run accept`, dir);
    terminals.push(terminal);
    await terminal.waitFor('Accept in place');
    await settle();
    terminal.press('Enter');
    const diff = await terminal.waitFor('-hallo $NAME');
    expect(diff).toContain('+hello world');
    terminal.press('u');
    expect(await terminal.waitFor('1/2 passed')).toContain('tutorials/accept.md:9');
    expect(readFileSync(page, 'utf8')).toBe(PAGE.replace('hallo $NAME', 'hello ${NAME}'));
    // No side file: the page is the step's snapshot.
    expect(readdirSync(dir)).not.toContain('snapshots');
    terminal.press('q');
    await terminal.waitFor('EXIT=');
  });
});
