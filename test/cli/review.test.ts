import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN, makeProject, removeProjects, runCli } from './helpers.js';
import { Terminal } from './terminal-driver.js';

afterAll(removeProjects);

const terminals: Terminal[] = [];
afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.close();
});

// Steps whose page shows no output: their expectations are snapshot files.
const REVIEWED = `# Review

\`\`\`sh { name=first }
echo first-new
\`\`\`

\`\`\`sh { name=second }
echo second-new
\`\`\`

\`\`\`sh { name=long }
seq 1 300000
\`\`\`
`;

const PROMPT = 'a accept · s skip · A accept all · q quit ›';

function project() {
  const { dir, home } = makeProject();
  writeFileSync(join(dir, 'tutorials', 'reviewed.md'), REVIEWED);
  mkdirSync(join(dir, 'snapshots', 'reviewed'), { recursive: true });
  for (const [step, text] of [
    ['first', 'first-old\n'],
    ['second', 'second-old\n'],
    ['long', '1\n2\n'],
  ]) {
    writeFileSync(join(dir, 'snapshots', 'reviewed', `${step}.txt`), text ?? '');
  }
  const snapshot = (step: string) => readFileSync(join(dir, 'snapshots', 'reviewed', `${step}.txt`), 'utf8');
  const open = (args = '') => {
    const terminal = new Terminal(`NO_COLOR=1 ALTS_TUTOR_HOME=${home} env -u CI node ${BIN} test reviewed -i ${args}`, dir);
    terminals.push(terminal);
    return terminal;
  };
  return { dir, home, snapshot, open };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('test -i', () => {
  it('shows each mismatch with its diff; skip leaves the snapshot, accept writes it (the whole output, past the tail)', async () => {
    const { snapshot, open } = project();
    const terminal = open();
    const first = await terminal.waitFor(PROMPT);
    expect(first).toContain('review first (reviewed, tutorials/reviewed.md:4): output differs from snapshots/reviewed/first.txt');
    expect(first).toMatch(/^ {2}-first-old$/m);
    expect(first).toMatch(/^ {2}\+first-new$/m);
    terminal.press('s');
    // Skipped: reported as failed, and the run goes on to the next mismatch.
    await terminal.waitFor('review second');
    expect(terminal.screen()).toContain('✗ first');
    terminal.press('a');
    // A diff taller than the terminal is cut, with the command that shows the whole output.
    const long = await terminal.waitFor('review long');
    expect(long).toMatch(/… \d+ more lines of diff; the whole output: alts-tutor logs reviewed-\S+ long/);
    expect(long).toMatch(/✓ second +local .*snapshot written: snapshots\/reviewed\/second\.txt/);
    terminal.press('a');
    const end = await terminal.waitFor('EXIT=');
    expect(end).toContain('EXIT=1');
    expect(snapshot('first')).toBe('first-old\n');
    expect(snapshot('second')).toBe('second-new\n');
    const written = snapshot('long').split('\n');
    expect(written.length).toBe(300_001);
    expect(written[299_999]).toBe('300000');
  });

  it('accept all accepts this mismatch and every one after it without asking', async () => {
    const { snapshot, open } = project();
    const terminal = open();
    await terminal.waitFor(PROMPT);
    terminal.press('A');
    const end = await terminal.waitFor('EXIT=');
    expect(end).toContain('EXIT=0');
    expect(count(end, PROMPT)).toBe(1);
    expect(end).toContain('accepting second (accept all)');
    expect(snapshot('first')).toBe('first-new\n');
    expect(snapshot('second')).toBe('second-new\n');
  });

  it('quit stops asking: the mismatch fails and the run stops there, as without -i', async () => {
    const { snapshot, open } = project();
    const terminal = open();
    await terminal.waitFor(PROMPT);
    terminal.press('q');
    const end = await terminal.waitFor('EXIT=');
    expect(end).toContain('EXIT=1');
    expect(count(end, PROMPT)).toBe(1);
    expect(end).toContain('✗ first');
    expect(end).not.toContain('second');
    expect(snapshot('first')).toBe('first-old\n');
    expect(snapshot('second')).toBe('second-old\n');
  });

  it('Ctrl-C at the question interrupts the run: nothing written, exit 130', async () => {
    const { snapshot, open } = project();
    const terminal = open();
    await terminal.waitFor(PROMPT);
    terminal.press('C-c');
    const end = await terminal.waitFor('EXIT=');
    expect(end).toContain('EXIT=130');
    expect(end).not.toContain('review second');
    expect(snapshot('first')).toBe('first-old\n');
  });

  it('is refused where nobody can answer: no terminal, --ci, or with -u (exit 2, nothing runs)', async () => {
    const { dir, home, snapshot } = project();
    const env = { ALTS_TUTOR_HOME: home };
    const piped = await runCli(['test', 'reviewed', '-i'], { cwd: dir, env });
    expect(piped.code).toBe(2);
    expect(piped.stderr).toBe(
      'alts-tutor: test -i asks about each mismatch on a terminal, and stdin is not one\n  run it in a terminal, or accept every new output with -u\n',
    );
    expect(piped.stdout).toBe('');
    expect(snapshot('first')).toBe('first-old\n');
    const terminal = new Terminal(`NO_COLOR=1 ALTS_TUTOR_HOME=${home} CI=1 node ${BIN} test reviewed -i`, dir);
    terminals.push(terminal);
    const ci = await terminal.waitFor('EXIT=');
    expect(ci).toContain('alts-tutor: -i writes what you accept, which never happens with --ci or CI set');
    expect(ci).toContain('EXIT=2');
    const both = await runCli(['test', 'reviewed', '-i', '-u'], { cwd: dir, env });
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('-i and -u together');
  });
});
