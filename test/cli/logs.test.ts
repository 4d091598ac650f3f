import { rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { BIN, makeProject, removeProjects, runCli } from './helpers.js';
import { Terminal } from './terminal-driver.js';

afterAll(removeProjects);

const terminals: Terminal[] = [];
afterEach(() => {
  for (const terminal of terminals.splice(0)) terminal.close();
});

/** 300,000 numbered lines (more than the 256 KiB the runner keeps in memory), then a failure. */
const LONG_FAILURE = `# Long

\`\`\`sh { name=prepare }
echo prepared
\`\`\`

\`\`\`sh { name=long-fail }
seq 1 300000
printf 'the \\033[31mlast\\033[0m line\\n'
false
\`\`\`

\`\`\`sh { name=never }
echo never
\`\`\`
`;

function project() {
  const { dir, home } = makeProject();
  writeFileSync(join(dir, 'tutorials', 'long.md'), LONG_FAILURE);
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: dir, env: { ALTS_TUTOR_HOME: home, ...env } });
  return { dir, home, cli };
}

const sessionOf = (stdout: string) => /session (\S+)\)/.exec(stdout)?.[1] ?? '';

describe('alts-tutor logs', () => {
  it('prints the failed step of the latest session in full, not the tail the run kept', async () => {
    const { cli } = project();
    const run = await cli(['run', 'long', '--yes']);
    expect(run.code).toBe(1);
    const result = await cli(['logs']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('1');
    expect(lines[299_999]).toBe('300000');
    // Not on a terminal: the bytes of the log as they are.
    expect(lines[300_000]).toBe('the \u001b[31mlast\u001b[0m line');
  });

  it('takes a session (or a tutorial id) and a step; without a step of a passed run, the last one that ran', async () => {
    const { cli } = project();
    const failed = await cli(['run', 'long', '--yes']);
    const session = sessionOf(failed.stdout);
    expect((await cli(['run', 'carry', '--yes'])).code).toBe(0);
    const named = await cli(['logs', session, 'prepare']);
    expect(named.stdout).toBe('prepared\n');
    const byTutorial = await cli(['logs', 'long', 'prepare']);
    expect(byTutorial.stdout).toBe('prepared\n');
    // The latest session is carry's, which passed: its last step.
    const latest = await cli(['logs', '--json']);
    const report = JSON.parse(latest.stdout);
    expect(report.tutorial).toBe('carry');
    expect(report.status).toBe('passed');
    expect(report.step).toBe('use-2');
  });

  it('--json: session, step, status, log path and the whole output; earlier attempts too', async () => {
    const { home, cli } = project();
    const run = await cli(['run', 'fails', '--yes']);
    const session = sessionOf(run.stdout);
    await cli(['resume', session, '--yes']);
    const result = await cli(['logs', session, '--json']);
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    const logs = join(home, 'sessions', session, 'logs');
    expect(report).toMatchObject({
      session,
      tutorial: 'fails',
      step: 'breaks',
      status: 'failed',
      logPath: join(logs, '003-breaks.log'),
      output: 'before the failure\n',
      earlier: [{ logPath: join(logs, '002-breaks.log'), output: 'before the failure\n' }],
    });
    const plain = await cli(['logs', session, 'breaks']);
    expect(plain.stdout).toContain(`── ${join(logs, '002-breaks.log')} (attempt 1 of 2) ──\nbefore the failure\n`);
    expect(plain.stdout).toContain(`── ${join(logs, '003-breaks.log')} (attempt 2 of 2) ──\nbefore the failure\n`);
  });

  it('an unknown session or step, or a step that did not run: exit 2 and what exists', async () => {
    const { cli } = project();
    const none = await cli(['logs']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('alts-tutor: no sessions yet');
    const run = await cli(['run', 'fails', '--yes']);
    const session = sessionOf(run.stdout);
    const badSession = await cli(['logs', 'nope']);
    expect(badSession.code).toBe(2);
    expect(badSession.stderr).toBe(`alts-tutor: no session "nope"\n  sessions, newest last: ${session}\n`);
    const badStep = await cli(['logs', session, 'nope']);
    expect(badStep.code).toBe(2);
    expect(badStep.stderr).toBe(`alts-tutor: session ${session} has no step "nope"\n  its steps: first, breaks, after\n`);
    const notRun = await cli(['logs', session, 'after']);
    expect(notRun.code).toBe(2);
    expect(notRun.stderr).toBe(
      `alts-tutor: step after of session ${session} has no log: it did not run (not-run)\n  steps with a log: first, breaks\n`,
    );
  });

  it('never reads a log through a symbolic link', async () => {
    const { home, dir, cli } = project();
    const run = await cli(['run', 'fails', '--yes']);
    const session = sessionOf(run.stdout);
    const log = join(home, 'sessions', session, 'logs', '002-breaks.log');
    writeFileSync(join(dir, 'private.txt'), 'not for the log reader\n');
    rmSync(log);
    symlinkSync(join(dir, 'private.txt'), log);
    const result = await cli(['logs', session, 'breaks']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is a symbolic link');
    expect(result.stdout).not.toContain('not for the log reader');
  });

  it('on a terminal, pages through $PAGER (less -R by default), and prints plainly when the pager is missing', async () => {
    const { dir, home, cli } = project();
    await cli(['run', 'long', '--yes']);
    const env = `NO_COLOR=1 ALTS_TUTOR_HOME=${home} env -u CI -u LESS`;
    const paged = new Terminal(`${env} -u PAGER node ${BIN} logs`, dir);
    terminals.push(paged);
    // less shows the first screen and waits: the last line has not been printed.
    await paged.waitFor('39\n');
    expect(paged.screen()).not.toContain('EXIT=');
    expect(paged.screen()).not.toContain('300000');
    paged.press('G');
    await paged.waitFor('last line');
    expect(paged.screen()).toContain('300000');
    paged.press('q');
    expect(await paged.waitFor('EXIT=')).toContain('EXIT=0');

    const plain = new Terminal(`${env} PAGER=/nonexistent/pager node ${BIN} logs long prepare`, dir);
    terminals.push(plain);
    const screen = await plain.waitFor('EXIT=');
    expect(screen).toContain('prepared\nEXIT=0');
  });
});

describe('the TUI points at the log', () => {
  it("a failed step's detail names the logs command for its session and step", async () => {
    const { dir, home } = makeProject();
    const terminal = new Terminal(`NO_COLOR=1 ALTS_TUTOR_HOME=${home} env -u CI node ${BIN} run fails`, dir);
    terminals.push(terminal);
    await terminal.waitFor('0/3 passed');
    // A person reads the first frame before pressing a key; so does the test.
    await new Promise((resolve) => setTimeout(resolve, 300));
    terminal.press('a');
    const failed = await terminal.waitFor('full log: alts-tutor logs');
    expect(failed).toMatch(/full log: alts-tutor logs fails-\d{8}-\d{6}-[0-9a-f]{4} breaks/);
    terminal.press('q');
    await terminal.waitFor('EXIT=');
  });
});
