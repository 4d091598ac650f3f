import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN, isAlive, makeProject, removeProjects } from './helpers.js';
import { Terminal } from './terminal-driver.js';

afterAll(removeProjects);

const terminals: Terminal[] = [];
afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.close();
});

const WAITING = 'waiting for changes to the tutorials';

const transcript = (title: string, command: string, output: string) => `# ${title}\n\n\`\`\`console\n$ ${command}\n${output}\n\`\`\`\n`;

/** Processes whose environment names this state home: the runner and everything its steps started. */
function processesOf(home: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const environ = readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      if (environ.includes(`ALTS_TUTOR_HOME=${home}`) && isAlive(Number(entry))) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found;
}

function project() {
  const { dir, home } = makeProject();
  mkdirSync(join(dir, 'steps', 'watched'), { recursive: true });
  writeFileSync(join(dir, 'steps', 'watched', 'msg.txt'), 'hello\n');
  writeFileSync(join(dir, 'tutorials', 'watched.md'), transcript('Watched', 'cat msg.txt', 'hello'));
  writeFileSync(join(dir, 'tutorials', 'other.md'), transcript('Other', 'echo other', 'other'));
  const open = (args: string) => {
    const terminal = new Terminal(`NO_COLOR=1 ALTS_TUTOR_HOME=${home} env -u CI node ${BIN} test --watch ${args}`, dir);
    terminals.push(terminal);
    return terminal;
  };
  return { dir, home, open };
}

describe('test --watch', () => {
  it('reruns only the tutorial whose file or steps/ changed, under a summary; Ctrl-C ends it, exit 130, nothing left running', async () => {
    const { dir, home, open } = project();
    const terminal = open('watched other');
    const first = await terminal.waitFor(WAITING);
    expect(first).toContain('watch: 2 tutorials, none failing (first run)');

    writeFileSync(join(dir, 'tutorials', 'watched.md'), transcript('Watched', 'cat msg.txt', 'bye'));
    const failing = await terminal.waitFor('1 failing');
    expect(failing).toContain('rerun watched (tutorials/watched.md changed)');
    expect(failing).toMatch(/^ {2}-bye\n {2}\+hello$/m);
    expect(failing).toMatch(/^ {2}✗ watched {2}step watched-1 failed · alts-tutor logs watched-\S+ watched-1$/m);
    // The screen was cleared, and the other tutorial did not run again.
    expect(failing).not.toContain('Other (other');
    expect(failing).not.toContain('first run');

    writeFileSync(join(dir, 'steps', 'watched', 'msg.txt'), 'bye\n');
    await terminal.waitFor('rerun watched (steps/watched/msg.txt changed)');
    const fixed = await terminal.waitFor(WAITING);
    expect(fixed).toContain('watch: 2 tutorials, none failing (rerun at');

    terminal.press('C-c');
    expect(await terminal.waitFor('EXIT=')).toContain('EXIT=130');
    expect(processesOf(home)).toEqual([]);
  });

  it('Ctrl-C during a run stops its step and ends the watch: exit 130, no process of the run left', async () => {
    const { dir, home, open } = project();
    const terminal = open('slow');
    // The first run: the step runs (and would for a minute); its processes are ours to find.
    await terminal.waitFor('Slow (slow');
    for (;;) {
      const pids = ['sleeper.pid', 'child.pid'].map((name) => join(dir, name));
      if (pids.every((path) => existsSync(path) && readFileSync(path, 'utf8').endsWith('\n'))) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    terminal.press('C-c');
    expect(await terminal.waitFor('EXIT=')).toContain('EXIT=130');
    for (const name of ['sleeper.pid', 'child.pid']) expect(isAlive(Number(readFileSync(join(dir, name), 'utf8')))).toBe(false);
    expect(processesOf(home)).toEqual([]);
  });

  it('with -i, a rerun asks about its mismatches, and what is accepted shows in the summary', async () => {
    const { dir, open } = project();
    const terminal = open('-i watched');
    await terminal.waitFor(WAITING);
    writeFileSync(join(dir, 'steps', 'watched', 'msg.txt'), 'bye\n');
    await terminal.waitFor('a accept · s skip · A accept all · q quit ›');
    terminal.press('a');
    const accepted = await terminal.waitFor('none failing (rerun at');
    expect(accepted).toMatch(/✓ watched-1 .*(snapshot|page) (written|updated)/);
    expect(accepted).toMatch(/^ {2}✓ watched$/m);
    terminal.press('C-c');
    expect(await terminal.waitFor('EXIT=')).toContain('EXIT=130');
  });

  it('with -u, the snapshots the run writes do not start another run', async () => {
    const { dir, open } = project();
    const runs = join(dir, 'runs.txt');
    // Output that differs every time: each run writes a new snapshot.
    writeFileSync(
      join(dir, 'tutorials', 'volatile.md'),
      `# Volatile\n\n\`\`\`sh { name=stamp }\necho ran >> ${runs}\ndate +%s%N\n\`\`\`\n`,
    );
    // An old snapshot: the directory is watched from the start, and -u overwrites the file.
    mkdirSync(join(dir, 'snapshots', 'volatile'), { recursive: true });
    writeFileSync(join(dir, 'snapshots', 'volatile', 'stamp.txt'), 'old\n');
    const terminal = open('-u volatile other');
    await terminal.waitFor(WAITING);
    expect(readFileSync(join(dir, 'snapshots', 'volatile', 'stamp.txt'), 'utf8')).toMatch(/^\d+\n$/);
    // A change to the other tutorial: its rerun comes after every event of the first run's writes.
    writeFileSync(join(dir, 'tutorials', 'other.md'), transcript('Other', 'echo other again', 'other again'));
    await terminal.waitFor('rerun other (tutorials/other.md changed)');
    const after = await terminal.waitFor(WAITING);
    expect(after).not.toContain('Volatile (volatile');
    expect(readFileSync(runs, 'utf8')).toBe('ran\n');
    terminal.press('C-c');
    expect(await terminal.waitFor('EXIT=')).toContain('EXIT=130');
  });
});
