import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN, isAlive, makeProject, removeProjects, runCli } from './helpers.js';
import { SizedTerminal } from './tui-screen.js';

afterAll(removeProjects);

const terminals: SizedTerminal[] = [];
afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.close();
});

/**
 * A whole small tutorial: an introduction, a variable, a 300-character output line, a step that
 * waits as many seconds as the file `nap-seconds` says (none without it) with a child of its
 * own, a teardown step and closing prose.
 */
const NAPPING_TUTORIAL = `---
title: Napping tour
variables:
  ZONE: { default: "us-central1-a" }
---
# Napping tour

An introduction before the first step, as a real tutorial has one.

## Greet

\`\`\`sh { name=greet }
echo "alts-server@$ZONE-project"
printf 'w%.0s' $(seq 300); echo
\`\`\`

## Nap

\`\`\`sh { name=nap }
echo $BASHPID > nap.pid
sleep "$(cat nap-seconds 2>/dev/null || echo 0)" &
echo $! > child.pid
wait
echo rested
\`\`\`

## Clean up

\`\`\`sh { name=clean teardown=true }
echo cleaned > cleaned.txt
\`\`\`

That is all: the closing prose after the last step.
`;

/** A project holding the napping tutorial, and its state home. */
function nappingProject(napSeconds?: number): { dir: string; home: string } {
  const project = makeProject();
  mkdirSync(join(project.dir, 'tutorials'), { recursive: true });
  writeFileSync(join(project.dir, 'tutorials', 'napping.md'), NAPPING_TUTORIAL);
  if (napSeconds !== undefined) writeFileSync(join(project.dir, 'nap-seconds'), String(napSeconds));
  return project;
}

/** The TUI in a tmux terminal of `columns`x`rows`. */
function openTui(project: { dir: string; home: string }, columns: number, rows: number): SizedTerminal {
  const command = `NO_COLOR=1 ALTS_TUTOR_HOME=${project.home} env -u CI node ${BIN} run napping`;
  const terminal = new SizedTerminal(command, project.dir, columns, rows);
  terminals.push(terminal);
  return terminal;
}

/** A person reads the first frame before pressing a key; so does the test. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

async function waitForFile(path: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!existsSync(path) || readFileSync(path, 'utf8') === '') {
    if (Date.now() > deadline) throw new Error(`${path} never appeared`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Runs the rest (`a`) until the napping step's shell and its child both run; their pids. */
async function startNap(terminal: SizedTerminal, dir: string): Promise<number[]> {
  await terminal.waitFor('Napping tour');
  await settle();
  terminal.press('a');
  await waitForFile(join(dir, 'child.pid'));
  const pids = ['nap.pid', 'child.pid'].map((file) => Number(readFileSync(join(dir, file), 'utf8')));
  expect(pids.every(isAlive)).toBe(true);
  return pids;
}

describe('the TUI stops a run as interrupted', () => {
  it('q during a step stops its whole process group, saves the session and exits 130 (60x15)', async () => {
    const project = nappingProject(60);
    const terminal = openTui(project, 60, 15);
    const pids = await startNap(terminal, project.dir);
    terminal.press('q');
    const screen = await terminal.waitFor('EXIT=');
    expect(screen).toContain('EXIT=130');
    expect(pids.some(isAlive)).toBe(false);
    // The last lines wrap at 60 columns.
    expect(screen.replace(/\n/g, '')).toMatch(/session napping-\S+ stopped at step nap: alts-tutor resume continues it/);
    // The teardown waits for resume, which needs what the steps made.
    expect(existsSync(join(project.dir, 'cleaned.txt'))).toBe(false);
    const status = await runCli(['status', '--json'], { cwd: project.dir, env: { ALTS_TUTOR_HOME: project.home } });
    expect(JSON.parse(status.stdout)[0]).toMatchObject({ status: 'interrupted', passed: 1 });
  });

  it('Ctrl-C stops the step and keeps the TUI; q then exits 130, and resume goes on at that step (80x24)', async () => {
    const project = nappingProject(60);
    const terminal = openTui(project, 80, 24);
    const pids = await startNap(terminal, project.dir);
    terminal.press('C-c');
    const stopped = await terminal.waitFor('nap failed: interrupted');
    expect(stopped).toContain('1/3 passed');
    expect(pids.some(isAlive)).toBe(false);
    terminal.press('q');
    const screen = await terminal.waitFor('EXIT=');
    expect(screen).toContain('EXIT=130');
    // The teardown has not run: it waits for resume (or cleanup), as the last line says.
    expect(screen).toContain('interrupted: 1 passed, 1 failed in');
    rmSync(join(project.dir, 'nap-seconds'));
    const resumed = await runCli(['resume', '--yes', '--reporter', 'plain'], {
      cwd: project.dir,
      env: { ALTS_TUTOR_HOME: project.home },
    });
    expect(resumed.stdout).toContain('passed: 2 passed, 0 failed');
    expect(resumed.code).toBe(0);
  });

  it('Ctrl-C twice during a step quits at once with 130 (200x60)', async () => {
    const project = nappingProject(60);
    const terminal = openTui(project, 200, 60);
    const pids = await startNap(terminal, project.dir);
    terminal.press('C-c');
    terminal.press('C-c');
    expect(await terminal.waitFor('EXIT=')).toContain('EXIT=130');
    expect(pids.some(isAlive)).toBe(false);
  });
});

describe('the TUI counts teardown steps as the summary does', () => {
  it('shows the teardown in its list and count, and ends with the headless run’s line (200x60)', async () => {
    const project = nappingProject();
    const terminal = openTui(project, 200, 60);
    const first = await terminal.waitFor('Napping tour');
    expect(first).toContain('0/3 passed');
    expect(first).toContain('clean');
    await settle();
    terminal.press('a');
    await terminal.waitFor('2/3 passed', 20_000);
    terminal.press('q');
    const screen = await terminal.waitFor('EXIT=');
    expect(screen).toContain('EXIT=0');
    expect(existsSync(join(project.dir, 'cleaned.txt'))).toBe(true);
    const summary = /passed: \d+ passed, \d+ failed/.exec(screen)?.[0];
    const headless = await runCli(['run', 'napping', '--yes', '--reporter', 'plain'], {
      cwd: project.dir,
      env: { ALTS_TUTOR_HOME: project.home },
    });
    expect(summary).toBe('passed: 3 passed, 0 failed');
    expect(headless.stdout).toContain(summary);
  });
});
