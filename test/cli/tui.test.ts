import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN, freePort, isAlive, makeProject, removeProjects, runCli } from './helpers.js';
import { Terminal } from './terminal-driver.js';

afterAll(removeProjects);

const terminals: Terminal[] = [];
afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.close();
});

/** A person reads the first frame before pressing a key; so does the test. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

function open(command: string, cwd: string): Terminal {
  const terminal = new Terminal(command, cwd);
  terminals.push(terminal);
  return terminal;
}

describe('the TUI in a real terminal', () => {
  it('shows the tutorial, runs a step on Enter and the rest on a, and quits with 0 when all passed', async () => {
    const { dir, home } = makeProject();
    const port = await freePort();
    const terminal = open(`NO_COLOR=1 TMPDIR=${dir} ALTS_TUTOR_HOME=${home} env -u CI node ${BIN} run hello --var PORT=${port}`, dir);
    const first = await terminal.waitFor('Hello, alts-tutor');
    expect(first).toContain('0/5 passed');
    expect(first).toContain('mkdir -p "${TMPDIR:-/tmp}/alts-tutor-hello"');
    expect(first).toContain('Enter run');
    // Nothing runs before a key is pressed.
    expect(existsSync(join(dir, 'alts-tutor-hello'))).toBe(false);
    await settle();
    terminal.press('Enter');
    await terminal.waitFor('1/5 passed');
    expect(existsSync(join(dir, 'alts-tutor-hello'))).toBe(true);
    terminal.press('a');
    await terminal.waitFor('5/5 passed', 20_000);
    terminal.press('q');
    expect(await terminal.waitFor('EXIT=')).toContain('EXIT=0');
  });

  it('q before the last step leaves the session for resume: exit 130, the next step named, no teardown', async () => {
    const { dir, home } = makeProject();
    const port = await freePort();
    const terminal = open(`NO_COLOR=1 TMPDIR=${dir} ALTS_TUTOR_HOME=${home} env -u CI node ${BIN} run hello --var PORT=${port}`, dir);
    await terminal.waitFor('0/5 passed');
    await settle();
    terminal.press('Enter');
    await terminal.waitFor('1/5 passed');
    terminal.press('q');
    const screen = await terminal.waitFor('EXIT=');
    expect(screen).toContain('EXIT=130');
    expect(screen).toContain('interrupted: 1 passed, 0 failed, 4 not run');
    expect(screen).toMatch(/session hello-\S+ stopped at step \S+: alts-tutor resume continues it/);
    const resumed = await runCli(['resume', '--yes'], { cwd: dir, env: { ALTS_TUTOR_HOME: home, TMPDIR: dir } });
    expect(resumed.stdout).toContain('passed: 4 passed, 0 failed');
    expect(resumed.code).toBe(0);
  });

  it('asks for missing variables in its own look, hides a secret, then runs the step with them', async () => {
    const { dir, home } = makeProject();
    const terminal = open(`NO_COLOR=1 ALTS_TUTOR_HOME=${home} env -u CI node ${BIN} run needs-vars`, dir);
    await terminal.waitFor('── GCP project id');
    // Typed at once, as a paste would be: nothing may be lost between the questions.
    terminal.type('proj-9');
    terminal.type('zone-c');
    terminal.type('tui-secret-77');
    await terminal.waitFor('0/1 passed');
    const screen = await terminal.waitFor('0/1 passed');
    expect(screen).not.toContain('tui-secret-77');
    terminal.press('Enter');
    await terminal.waitFor('1/1 passed');
    terminal.press('q');
    expect(await terminal.waitFor('EXIT=')).toContain('EXIT=0');
    const [session] = readdirSync(join(home, 'sessions'));
    expect(readFileSync(join(home, 'sessions', session ?? '', 'logs', '001-show.log'), 'utf8')).toBe(
      'project=proj-9 zone=zone-c token=[SECRET]\n',
    );
  });

  it('Ctrl-C stops the running step and its processes, keeps the TUI open, and q then quits', async () => {
    const { dir, home } = makeProject();
    const terminal = open(`NO_COLOR=1 ALTS_TUTOR_HOME=${home} env -u CI node ${BIN} run slow`, dir);
    await terminal.waitFor('0/1 passed');
    await settle();
    terminal.press('Enter');
    const deadline = Date.now() + 10_000;
    while (!existsSync(join(dir, 'child.pid')) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    const pids = ['sleeper.pid', 'child.pid'].map((file) => Number(readFileSync(join(dir, file), 'utf8')));
    expect(pids.every(isAlive)).toBe(true);
    terminal.press('C-c');
    const screen = await terminal.waitFor('interrupted');
    expect(screen).toContain('Slow');
    expect(pids.some(isAlive)).toBe(false);
    terminal.press('q');
    expect(await terminal.waitFor('EXIT=')).toMatch(/EXIT=(1|130)/);
  });

  it('shows the diff of a mismatch and writes the actual output as the snapshot on u', async () => {
    const { dir, home } = makeProject('snap');
    const snapshot = join(dir, 'snapshots', 'greet', 'greet-1.txt');
    mkdirSync(join(dir, 'snapshots', 'greet'), { recursive: true });
    writeFileSync(snapshot, 'goodbye $NAME\n');
    const terminal = open(`NO_COLOR=1 ALTS_TUTOR_HOME=${home} env -u CI node ${BIN} run greet`, dir);
    await terminal.waitFor('Greetings, checked');
    await settle();
    terminal.press('Enter');
    const diff = await terminal.waitFor('-goodbye $NAME');
    expect(diff).toContain('+hello world');
    terminal.press('u');
    await terminal.waitFor('1/4 passed');
    expect(readFileSync(snapshot, 'utf8')).toBe('hello ${NAME}\n');
    terminal.press('q');
    await terminal.waitFor('EXIT=');
  });
});
