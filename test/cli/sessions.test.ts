import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../src/cli/status-command.js';
import { applyJournal, type JournalEntry, type Session } from '../../src/session/session-store.js';
import { isAlive, makeProject, removeProjects, runCli, startCli } from './helpers.js';

afterAll(removeProjects);

/**
 * Sessions under real processes and signals: SIGKILL at random moments, Ctrl-C and its kin,
 * secrets, the lock, a corrupt file. Every process a run starts carries ALTS_TUTOR_SESSION and
 * the test's own ALTS_TUTOR_HOME in its environment: that is how the tests find what survived.
 */

type Summary = SessionSummary;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Live (not zombie) processes started by a run whose state home is `home`. */
function runProcesses(home: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let environ: string[];
    try {
      environ = readFileSync(`/proc/${name}/environ`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!environ.includes(`ALTS_TUTOR_HOME=${home}`)) continue;
    if (!environ.some((entry) => entry.startsWith('ALTS_TUTOR_SESSION='))) continue;
    if (isAlive(Number(name))) pids.push(Number(name));
  }
  return pids;
}

async function waitFor(condition: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** Homes of the tests, so that whatever a failed test left running is killed. */
const homes = new Set<string>();
afterEach(() => {
  for (const home of homes) {
    for (const pid of runProcesses(home)) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  }
  homes.clear();
});

function project() {
  const { dir, home } = makeProject('sessions');
  homes.add(home);
  const env = (extra: NodeJS.ProcessEnv = {}) => ({ env: { ALTS_TUTOR_HOME: home, ...extra }, cwd: dir });
  const cli = (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, env(extra));
  const start = (args: string[], extra: NodeJS.ProcessEnv = {}) => startCli(args, env(extra));
  const status = async (): Promise<Summary[]> => {
    const result = await cli(['status', '--json']);
    expect(result.code).toBe(0);
    return JSON.parse(result.stdout) as Summary[];
  };
  const sessionDirs = () => (existsSync(join(home, 'sessions')) ? readdirSync(join(home, 'sessions')) : []);
  return { dir, home, cli, start, status, sessionDirs };
}

/** `session.json` (which must parse) with its journal applied, as `resume` would see it. */
function loadSession(home: string, id: string): Session {
  const dir = join(home, 'sessions', id);
  const session = JSON.parse(readFileSync(join(dir, 'session.json'), 'utf8')) as Session;
  const journal = join(dir, 'journal.jsonl');
  const entries: JournalEntry[] = [];
  if (existsSync(journal)) {
    for (const line of readFileSync(journal, 'utf8').split('\n')) {
      try {
        if (line !== '') entries.push(JSON.parse(line) as JournalEntry);
      } catch {
        // A line cut short by the kill.
      }
    }
  }
  return applyJournal(session, entries);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((name) => join(dir, name))
    .filter((path) => statSync(path).isFile());
}

function count(lines: string[], name: string): number {
  return lines.filter((line) => line === name).length;
}

describe('SIGKILL at random moments', () => {
  const ORDER = ['s01', 's02', 's03-1', 's03-2', 's03-3', 's04', 's05-1', 's05-2', 's06', 's07-1', 's07-2', 's08'];

  it('leaves a session that always parses and that resume finishes, never running a passed step again', async () => {
    const { dir, home, cli, start, status, sessionDirs } = project();
    const ranLines = () => (existsSync(join(dir, 'ran.txt')) ? readFileSync(join(dir, 'ran.txt'), 'utf8').split('\n').filter(Boolean) : []);
    const sessionWithFile = () => sessionDirs().find((id) => existsSync(join(home, 'sessions', id, 'session.json')));
    /** At each kill: the steps recorded as passed, and how often each had run by then. */
    const kills: Array<{ delay: number; passed: string[]; lines: string[] }> = [];
    let finished = false;
    for (let iteration = 0; iteration < 20 && !finished; iteration++) {
      const id = sessionWithFile();
      const { child, done } = start(id === undefined ? ['run', 'killloop', '--yes'] : ['resume', '--yes']);
      const delay = 30 + Math.floor(Math.random() * 370);
      await sleep(delay);
      if (child.exitCode === null) child.kill('SIGKILL');
      const result = await done;
      // A kill can come after the run recorded its success: then the session is passed, and the
      // next resume finds nothing to continue.
      const passedNow = (await status())[0]?.status === 'passed';
      const nothingLeft = result.code === 2 && result.stderr.includes('no unfinished session') && passedNow;
      if (result.code !== 0 && !nothingLeft)
        expect(result.signal, `iteration ${iteration} (${delay} ms): ${result.stderr}`).toBe('SIGKILL');
      if (result.code === 0 || passedNow) finished = true;
      // The killed runner's shells finish their current command and then see the end of their input.
      expect(await waitFor(() => runProcesses(home).length === 0, 5000)).toBe(true);
      const current = sessionWithFile();
      if (current === undefined) continue;
      // Read after every kill: it must parse (JSON.parse throws otherwise).
      const session = loadSession(home, current);
      expect((await status()).map((summary) => summary.id)).toEqual([current]);
      const passed = session.steps.filter((step) => step.status === 'passed').map((step) => step.name);
      const lines = ranLines();
      // A step recorded as passed did run.
      for (const name of passed) expect(lines, `${name} passed at kill ${iteration}`).toContain(name);
      kills.push({ delay, passed, lines });
    }
    expect(kills.length).toBeGreaterThan(0);
    if (!finished) {
      const resumed = await cli(['resume', '--yes']);
      expect(resumed.stderr).toBe('');
      expect(resumed.code).toBe(0);
    }
    const [summary] = await status();
    expect(summary).toMatchObject({ tutorial: 'killloop', status: 'passed', passed: ORDER.length, steps: ORDER.length });
    const lines = ranLines();
    // Only a step that was running at a kill may have run twice, and then right after itself.
    expect(lines.filter((line, index) => line !== lines[index - 1])).toEqual(ORDER);
    for (const [index, kill] of kills.entries()) {
      for (const name of kill.passed) {
        expect(count(lines, name), `${name}, passed at kill ${index} (${kill.delay} ms), ran again`).toBe(count(kill.lines, name));
      }
    }
    // Resume did continue from the directory, variable and function saved before a kill.
    expect(existsSync(join(dir, 'sub', 'sub'))).toBe(false);
  }, 60_000);

  it('a run killed after its last step passed, while it stops what the step left, is closed by resume as passed', async () => {
    const { dir, home, cli, start, status, sessionDirs } = project();
    const { child, done } = start(['run', 'lingering', '--yes']);
    // The runner now spends two seconds stopping a job that ignores SIGTERM: kill it then.
    const recorded = await waitFor(() => {
      const [id] = sessionDirs();
      if (id === undefined || !existsSync(join(home, 'sessions', id, 'session.json'))) return false;
      return loadSession(home, id).steps[0]?.status === 'passed';
    }, 10_000);
    expect(recorded).toBe(true);
    child.kill('SIGKILL');
    expect((await done).signal).toBe('SIGKILL');
    // The shell's supervisor has killed the lingering job with the runner.
    expect(await waitFor(() => !isAlive(Number(readFileSync(join(dir, 'lingering.pid'), 'utf8'))), 5000)).toBe(true);
    // Its runner is gone: status does not call it running.
    expect((await status())[0]).toMatchObject({ status: 'interrupted', passed: 1 });
    const resumed = await cli(['resume', '--yes']);
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toContain('every step has passed');
    expect((await status())[0]).toMatchObject({ status: 'passed', passed: 1 });
    // It is finished: nothing is left to resume.
    const again = await cli(['resume', '--yes']);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('no unfinished session');
  });
});

describe('interrupting a run', () => {
  it('SIGINT with a background step and a foreground step running: exit 130, nothing survives, session interrupted', async () => {
    const { dir, home, start, status } = project();
    const { child, done } = start(['run', 'stoppable', '--yes']);
    expect(await waitFor(() => existsSync(join(dir, 'wait.pid')), 10_000)).toBe(true);
    const server = Number(readFileSync(join(dir, 'server.pid'), 'utf8'));
    const waiting = Number(readFileSync(join(dir, 'wait.pid'), 'utf8'));
    expect([server, waiting].every(isAlive)).toBe(true);
    // The shell, the background job and its sleep, the step and its sleep.
    // wait.pid is written just before the step's sleep starts: wait for all of them.
    expect(await waitFor(() => runProcesses(home).length >= 5, 10_000)).toBe(true);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('stopping the running step');
    expect(runProcesses(home)).toEqual([]);
    const [summary] = await status();
    expect(summary).toMatchObject({
      tutorial: 'stoppable',
      status: 'interrupted',
      passed: 1,
      steps: 2,
      failedStep: 'wait',
      background: [],
    });
  });

  it.each(['SIGTERM', 'SIGHUP'] as const)('%s once: exit 130, nothing survives, session interrupted', async (signal) => {
    const { dir, home, start, status } = project();
    const { child, done } = start(['run', 'stoppable', '--yes']);
    expect(await waitFor(() => existsSync(join(dir, 'wait.pid')), 10_000)).toBe(true);
    // wait.pid is written just before the step's sleep starts: wait for all of them.
    expect(await waitFor(() => runProcesses(home).length >= 5, 10_000)).toBe(true);
    child.kill(signal);
    const result = await done;
    expect(result.code).toBe(130);
    expect(runProcesses(home)).toEqual([]);
    expect((await status())[0]).toMatchObject({ status: 'interrupted', passed: 1 });
  });

  it('a second SIGINT while a step resists the first kills everything at once, exits 130, and the session can be resumed', async () => {
    const { dir, home, cli, start, status } = project();
    const { child, done } = start(['run', 'stubborn', '--yes']);
    expect(await waitFor(() => existsSync(join(dir, 'stubborn.pid')), 10_000)).toBe(true);
    const stubborn = Number(readFileSync(join(dir, 'stubborn.pid'), 'utf8'));
    child.kill('SIGINT');
    await sleep(300);
    // SIGTERM is ignored: the step still runs, the runner waits out its grace period.
    expect(isAlive(stubborn)).toBe(true);
    expect(child.exitCode).toBe(null);
    const pressed = Date.now();
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    // At once: well before the two-second grace period would have ended.
    expect(Date.now() - pressed).toBeLessThan(1500);
    expect(await waitFor(() => runProcesses(home).length === 0, 500)).toBe(true);
    expect((await status())[0]).toMatchObject({ status: 'interrupted', passed: 0 });
    // The lock of the runner that quit is taken over.
    const { child: again, done: resumed } = start(['resume', '--yes']);
    expect(await waitFor(() => runProcesses(home).length > 0, 10_000)).toBe(true);
    again.kill('SIGINT');
    expect((await resumed).code).toBe(130);
    expect(runProcesses(home)).toEqual([]);
    expect((await cli(['status', '--json'])).code).toBe(0);
  });
});

describe('secrets', () => {
  it('a secret given by the environment is written nowhere under the state home, after a run and after a resume', async () => {
    const { dir, home, cli } = project();
    const secret = `tok-${Math.random().toString(36).slice(2)}-${Date.now()}`;
    const nowhere = (where: string) => {
      for (const file of filesUnder(home)) {
        expect(readFileSync(file).includes(secret), `${where}: ${file}`).toBe(false);
      }
    };
    const first = await cli(['run', 'secret', '--yes'], { TOKEN: secret });
    expect(first.code).toBe(1);
    expect(first.stdout).toContain('✗ gate');
    expect(`${first.stdout}${first.stderr}`).not.toContain(secret);
    const logs = () => filesUnder(home).filter((file) => file.endsWith('.log'));
    // The step that printed it was logged, masked.
    expect(logs().map((file) => readFileSync(file, 'utf8'))).toContain('[SECRET]\n');
    nowhere('after the run');
    writeFileSync(join(dir, 'gate'), '');
    const resumed = await cli(['resume', '--yes'], { TOKEN: secret });
    expect(resumed.code).toBe(0);
    expect(logs().map((file) => readFileSync(file, 'utf8'))).toContain('token=[SECRET] plain=visible\n');
    expect(`${resumed.stdout}${resumed.stderr}`).not.toContain(secret);
    // The resumed step did have the secret: it came from the environment again.
    expect(readFileSync(join(dir, 'token-seen'), 'utf8')).toBe(secret);
    nowhere('after the resume');
  });
});

describe('the session lock', () => {
  it('a second resume of a session being resumed exits 2 naming the other process, and leaves its run alone', async () => {
    const { dir, home, cli, start, status } = project();
    expect((await cli(['run', 'locked', '--yes'])).code).toBe(1);
    const [failed] = await status();
    expect(failed).toMatchObject({ status: 'failed', failedStep: 'gate' });
    const id = failed?.id ?? '';
    writeFileSync(join(dir, 'gate'), '');
    const { child, done } = start(['resume', '--yes']);
    expect(await waitFor(() => existsSync(join(dir, 'slow.started')), 10_000)).toBe(true);
    const server = Number(readFileSync(join(dir, 'server.pid'), 'utf8'));
    expect(isAlive(server)).toBe(true);
    const second = await cli(['resume', id, '--yes']);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`session ${id} is being run by process ${child.pid}`);
    expect(second.stderr).not.toMatch(/\n\s+at /);
    // The refused resume stopped nothing of the run that holds the lock.
    expect(isAlive(server)).toBe(true);
    const first = await done;
    expect(first.code).toBe(0);
    expect(readFileSync(join(dir, 'ran.txt'), 'utf8')).toBe('first\nslow\n');
    expect(existsSync(join(home, 'sessions', id, 'lock'))).toBe(false);
    expect((await status())[0]).toMatchObject({ id, status: 'passed' });
    expect(runProcesses(home)).toEqual([]);
  });
});

describe('a corrupt session file', () => {
  it('resume exits 2 with a one-line message, no stack trace, and moves the file aside', async () => {
    const { home, cli, status } = project();
    expect((await cli(['run', 'locked', '--yes'])).code).toBe(1);
    const [failed] = await status();
    const id = failed?.id ?? '';
    const dir = join(home, 'sessions', id);
    writeFileSync(join(dir, 'session.json'), 'garbage\n\u001b[31mred\u001b[0m {"version":');
    const result = await cli(['resume', id, '--yes']);
    expect(result.code).toBe(2);
    const [first = '', ...rest] = result.stderr.split('\n').filter(Boolean);
    expect(first).toMatch(
      new RegExp(`^alts-tutor: session ${id} is unreadable \\(.*\\); it was moved to .*session\\.json\\.corrupt-\\d+$`),
    );
    // No terminal escapes or stack from the file's content; at most a hint line follows.
    expect(result.stderr).not.toContain('\u001b');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(rest.length).toBeLessThanOrEqual(1);
    expect(existsSync(join(dir, 'session.json'))).toBe(false);
    const aside = readdirSync(dir).filter((name) => /^session\.json\.corrupt-\d+$/.test(name));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0] ?? ''), 'utf8')).toContain('garbage');
  });
});
