import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { SessionSummary } from '../../src/cli/status-command.js';
import { freePort, makeProject, portOpen, removeProjects, runCli } from './helpers.js';

afterAll(removeProjects);

type Summary = SessionSummary;

function project() {
  const { dir, home } = makeProject('resume');
  const cli = (args: string[], env: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: dir, env: { ALTS_TUTOR_HOME: home, ...env } });
  const status = async () => JSON.parse((await cli(['status', '--json'])).stdout) as Summary[];
  return { dir, cli, status };
}

describe('resume', () => {
  it('starts again the background step later steps need, with the saved variables, and passes', async () => {
    const { dir, cli, status } = project();
    const port = await freePort();
    const first = await cli(['run', 'serve-then-check', '--yes', '--var', `PORT=${port}`]);
    expect(first.code).toBe(1);
    // The teardown waits for the resume, and cleanup runs it if there is none.
    expect(first.stdout).toMatch(/stopped at step check: alts-tutor resume continues it; alts-tutor cleanup runs its teardown\n$/);
    const [failed] = await status();
    expect(failed).toMatchObject({ tutorial: 'serve-then-check', status: 'failed', passed: 1, steps: 3, failedStep: 'check' });
    // The run that failed stopped its server.
    expect(await portOpen(port)).toBe(false);
    writeFileSync(join(dir, 'gate'), '');
    // No --var this time: PORT comes from the session.
    const resumed = await cli(['resume', '--yes']);
    expect(resumed.stdout).toContain(`resuming session ${failed?.id} at step check, after running again: serve\n`);
    expect(resumed.stdout).toContain('✓ serve');
    expect(resumed.stdout).toContain('✓ check');
    expect(resumed.code).toBe(0);
    expect(readFileSync(join(dir, 'teardown.txt'), 'utf8')).toBe(`teardown with PORT=${port}\n`);
    expect((await status())[0]).toMatchObject({ status: 'passed', passed: 3 });
    expect(await portOpen(port)).toBe(false);
  });

  it('says when the tutorial changed and matches its steps by name', async () => {
    const { dir, cli } = project();
    const port = await freePort();
    await cli(['run', 'serve-then-check', '--yes', '--var', `PORT=${port}`]);
    const file = join(dir, 'tutorials', 'serve-then-check.md');
    writeFileSync(file, readFileSync(file, 'utf8').replace('test -f gate\n', 'true\n'));
    const resumed = await cli(['resume', 'serve-then-check', '--yes']);
    expect(resumed.stdout).toContain('changed since session');
    expect(resumed.code).toBe(0);
  });

  it('keeps the directory a tutorial function changed to, when a transcript command called it', async () => {
    const { dir, cli } = project();
    expect((await cli(['run', 'function-cd', '--yes'])).code).toBe(1);
    writeFileSync(join(dir, 'gate'), '');
    expect((await cli(['resume', 'function-cd', '--yes'])).code).toBe(0);
    expect(readFileSync(join(dir, 'where.txt'), 'utf8')).toBe('sub\n');
  });

  it('a --var given to resume wins over the value the saved shell state holds', async () => {
    const { dir, cli } = project();
    expect((await cli(['run', 'override', '--yes'])).code).toBe(1);
    expect(readFileSync(join(dir, 'first.txt'), 'utf8')).toBe('first NAP=60\n');
    writeFileSync(join(dir, 'gate'), '');
    const resumed = await cli(['resume', '--yes', '--var', 'NAP=0']);
    expect(resumed.code, resumed.stdout + resumed.stderr).toBe(0);
    expect(readFileSync(join(dir, 'third.txt'), 'utf8')).toBe('third NAP=0\n');
  });

  it('with nothing unfinished, says so and exits 2', async () => {
    const { cli } = project();
    const result = await cli(['resume', '--yes']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no unfinished session');
  });
});

describe('cleanup', () => {
  it("runs a session's teardown steps with its saved variables", async () => {
    const { dir, cli } = project();
    const port = await freePort();
    await cli(['run', 'serve-then-check', '--yes', '--var', `PORT=${port}`]);
    expect(existsSync(join(dir, 'teardown.txt'))).toBe(false);
    const result = await cli(['cleanup', 'serve-then-check', '--yes']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ cleanup-files');
    expect(result.stdout).not.toContain('✓ check');
    expect(readFileSync(join(dir, 'teardown.txt'), 'utf8')).toBe(`teardown with PORT=${port}\n`);
  });

  it('runs a teardown once: not again after an earlier cleanup, nor after a run that passed', async () => {
    const { dir, cli, status } = project();
    const teardownFile = join(dir, 'teardown.txt');
    const port = await freePort();
    await cli(['run', 'serve-then-check', '--yes', '--var', `PORT=${port}`]);
    expect((await cli(['cleanup', 'serve-then-check', '--yes'])).code).toBe(0);
    expect(existsSync(teardownFile)).toBe(true);
    rmSync(teardownFile);
    const again = await cli(['cleanup', 'serve-then-check', '--yes']);
    expect(again.stdout).toContain('its teardown has run already (its step passed)');
    expect(again.code).toBe(0);
    expect(existsSync(teardownFile)).toBe(false);

    writeFileSync(join(dir, 'gate'), '');
    expect((await cli(['run', 'serve-then-check', '--yes', '--var', `PORT=${port}`])).code).toBe(0);
    rmSync(teardownFile);
    const dryRun = await cli(['cleanup', 'serve-then-check', '--dry-run']);
    expect(dryRun.stdout).toContain('its teardown has run already');
    expect((await cli(['cleanup', 'serve-then-check', '--yes'])).code).toBe(0);
    expect(existsSync(teardownFile)).toBe(false);
    // The passed session stays passed.
    expect((await status())[0]).toMatchObject({ status: 'passed' });
  });

  it('--dry-run names the teardown steps it would run, and runs none', async () => {
    const { dir, cli } = project();
    const port = await freePort();
    await cli(['run', 'serve-then-check', '--yes', '--var', `PORT=${port}`]);
    const dryRun = await cli(['cleanup', 'serve-then-check', '--dry-run']);
    expect(dryRun.stdout).toMatch(/teardown steps to run: cleanup-files \(dry run: not run\)/);
    expect(existsSync(join(dir, 'teardown.txt'))).toBe(false);
  });
});

describe('status', () => {
  it('prints nothing-to-show without sessions, and one line per session with its progress', async () => {
    const { cli } = project();
    expect((await cli(['status'])).stdout).toBe('no sessions\n');
    const port = await freePort();
    await cli(['run', 'serve-then-check', '--yes', '--var', `PORT=${port}`]);
    const text = (await cli(['status'])).stdout;
    expect(text).toMatch(/^serve-then-check-\d{8}-\d{6}-[0-9a-f]{4} {2}failed {6}1\/3 passed, failed at check \(target local, /);
  });
});
