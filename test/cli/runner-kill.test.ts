import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { SessionSummary } from '../../src/cli/status-command.js';
import { isAlive, makeProject, removeProjects, runCli, startCli } from './helpers.js';

afterAll(removeProjects);

/** Kills of the runner, each while the step runs: enough to catch a race, few enough for the 2-core machine. */
const KILLS = 8;

/** Processes that inherited the test's tag: every process the runs started, whoever is their parent now. */
function tagged(tag: string): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        if (/\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'))) return false;
        return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').includes(`ALTS_KILL_TAG=${tag}`);
      } catch {
        return false;
      }
    })
    .map(Number);
}

async function until(what: string, condition: () => boolean, deadlineMs: number): Promise<number> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > deadlineMs) throw new Error(`not within ${deadlineMs} ms: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return Date.now() - started;
}

const lines = (file: string, word: string) =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line === word).length
    : 0;

it('SIGKILL of the runner leaves no process of the run, status says interrupted, resume reaps what is left and has no double side effect', async () => {
  const { dir, home } = makeProject('runner-kill');
  const tag = randomBytes(6).toString('hex');
  const env = { ALTS_TUTOR_HOME: home, ALTS_KILL_TAG: tag };
  const effects = join(dir, 'side-effects');
  const figures: number[] = [];
  for (let kill = 0; kill < KILLS; kill++) {
    const args = kill === 0 ? ['run', 'orphans', '--yes'] : ['resume', 'orphans', '--yes'];
    const { child, done } = startCli(args, { cwd: dir, env });
    // The step is running: its side effect is written, its & job, setsid child and the server are up.
    await until('the step started', () => lines(effects, 'started') === kill + 1 && tagged(tag).length >= 5, 20_000);
    child.kill('SIGKILL');
    await done;
    const killedAt = Date.now();
    await until('no process of the killed run is left', () => tagged(tag).length === 0, 5000);
    figures.push(Date.now() - killedAt);
    const [summary] = JSON.parse((await runCli(['status', '--json'], { cwd: dir, env })).stdout) as SessionSummary[];
    expect(summary?.status).toBe('interrupted');
  }
  // A process of the session that no supervisor stopped (perl missing, the supervisor killed too).
  const [last] = JSON.parse((await runCli(['status', '--json'], { cwd: dir, env })).stdout) as SessionSummary[];
  const planted = spawn('sleep', ['300'], { env: { ...process.env, ALTS_TUTOR_SESSION: last?.id }, stdio: 'ignore' });
  const resumed = await runCli(['resume', 'orphans', '--yes'], { cwd: dir, env });
  expect(isAlive(planted.pid ?? 0)).toBe(false);
  expect(resumed.stdout).toContain('✓ work');
  expect(resumed.code).toBe(0);
  await until('the passed run left nothing', () => tagged(tag).length === 0, 5000);
  // Every killed step died with its runner: only the run that completed finished its step.
  expect(lines(effects, 'started')).toBe(KILLS + 1);
  expect(lines(effects, 'finished')).toBe(1);
  process.stdout.write(
    `runner-kill: ${KILLS} kills, every run's processes gone within ${Math.max(...figures)} ms (each: ${figures.join(', ')})\n`,
  );
}, 120_000);
