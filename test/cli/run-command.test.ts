import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort, isAlive, makeProject, portOpen, removeProjects, runCli, startCli } from './helpers.js';

afterAll(removeProjects);

describe('alts-tutor run (headless)', () => {
  it('runs every step with --yes, carrying variables, functions and the directory between steps', async () => {
    const { dir, home } = makeProject();
    const result = await runCli(['run', 'carry', '--yes'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(readFileSync(join(dir, 'carried.txt'), 'utf8')).toBe('3 work\n');
    expect(result.stdout).toMatch(/✓ carry-1 /);
    expect(result.stdout).toMatch(/✓ use-1 /);
    expect(result.stdout).toMatch(/passed: 3 passed, 0 failed/);
  });

  it('stops at the first failing step, shows its output and the failing line, and exits 1', async () => {
    const { dir, home } = makeProject();
    const result = await runCli(['run', 'fails', '--yes'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(result.code).toBe(1);
    expect(existsSync(join(dir, 'first-ran'))).toBe(true);
    expect(existsSync(join(dir, 'after-ran'))).toBe(false);
    expect(result.stdout).toContain('✗ breaks');
    expect(result.stdout).toContain('exit status 1, expected 0 at line 9');
    expect(result.stdout).toContain('│ before the failure');
    expect(result.stdout).not.toContain('never printed');
    expect(result.stdout).toContain('1 passed, 1 failed, 1 not run');
    expect(result.stdout).toMatch(/\nsession fails-\S+ stopped at step breaks: alts-tutor resume continues it\n$/);
  });

  it('writes each step output to a log file under the session directory', async () => {
    const { dir, home } = makeProject();
    await runCli(['run', 'fails', '--yes'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    const [session] = readdirSync(join(home, 'sessions'));
    const logs = join(home, 'sessions', session ?? '', 'logs');
    expect(readdirSync(logs).sort()).toEqual(['001-first.log', '002-breaks.log']);
    expect(readFileSync(join(logs, '002-breaks.log'), 'utf8')).toBe('before the failure\n');
  });

  it('without a terminal and without --yes, prints the plan, runs nothing and exits 2', async () => {
    const { dir, home } = makeProject();
    const result = await runCli(['run', 'fails'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stdout).toContain('touch first-ran');
    expect(result.stderr).toContain('nothing was run');
    expect(existsSync(join(dir, 'first-ran'))).toBe(false);
  });

  it('--dry-run prints commands and hosts, shows unresolved variables as ${NAME}, runs no default command', async () => {
    const { dir, home } = makeProject();
    const result = await runCli(['run', 'carry', '--dry-run'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('GREETING=hello');
    expect(result.stdout).toContain('WHO=${WHO}');
    expect(result.stdout).toContain('carry-1 on local');
    expect(result.stdout).toContain('$ greet "$WHO"');
    expect(existsSync(join(dir, 'work'))).toBe(false);
  });

  it('--only and --from choose the steps', async () => {
    const { dir, home } = makeProject();
    const only = await runCli(['run', 'fails', '--yes', '--only', 'after'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(only.code).toBe(0);
    expect(existsSync(join(dir, 'after-ran'))).toBe(true);
    expect(existsSync(join(dir, 'first-ran'))).toBe(false);
    const from = await runCli(['run', 'fails', '--yes', '--from', 'breaks'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(from.code).toBe(1);
    expect(existsSync(join(dir, 'first-ran'))).toBe(false);
    const unknown = await runCli(['run', 'fails', '--yes', '--from', 'nope'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no step "nope"');
  });

  it('lists every missing variable in one error when there is no terminal', async () => {
    const { dir, home } = makeProject();
    const result = await runCli(['run', 'needs-vars', '--yes'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing variables: PROJECT_ID (GCP project id), ZONE (zone), TOKEN (API token)');
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it('passes --var values as data: $(…) and backticks stay text; secrets are masked in output and logs', async () => {
    const { dir, home } = makeProject();
    const value = '$(touch pwned) `touch pwned2` \'"; touch pwned3';
    const result = await runCli(['run', 'needs-vars', '--yes', '--var', `PROJECT_ID=${value}`, '--var', 'ZONE=z1'], {
      cwd: dir,
      env: { ALTS_TUTOR_HOME: home, TOKEN: 's3cr3t-value' },
    });
    expect(result.code).toBe(0);
    for (const file of ['pwned', 'pwned2', 'pwned3']) expect(existsSync(join(dir, file))).toBe(false);
    const [session] = readdirSync(join(home, 'sessions'));
    const log = readFileSync(join(home, 'sessions', session ?? '', 'logs', '001-show.log'), 'utf8');
    expect(log).toBe(`project=${value} zone=z1 token=[SECRET]\n`);
    expect(result.stdout).not.toContain('s3cr3t-value');
  });

  it('a malformed tutorial gives file:line, exit 2 and no stack trace', async () => {
    const { dir, home } = makeProject();
    const result = await runCli(['run', 'broken', '--yes'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('tutorials/broken.md:10: unknown attribute "nmae"\n');
  });

  it('an unknown tutorial or option exits 2 with a message', async () => {
    const { dir, home } = makeProject();
    const unknown = await runCli(['run', 'no-such-tutorial', '--yes'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown tutorial "no-such-tutorial"');
    const option = await runCli(['run', 'carry', '--bogus'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    expect(option.code).toBe(2);
    expect(option.stderr).toContain("unknown option '--bogus'");
  });

  it('SIGINT stops the running step, leaves no process behind and exits 130', async () => {
    const { dir, home } = makeProject();
    const { child, done } = startCli(['run', 'slow', '--yes'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    const deadline = Date.now() + 10_000;
    while (!existsSync(join(dir, 'child.pid')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const pids = ['sleeper.pid', 'child.pid'].map((file) => Number(readFileSync(join(dir, file), 'utf8')));
    expect(pids.every(isAlive)).toBe(true);
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    expect(pids.some(isAlive)).toBe(false);
  });
});

describe('required programs', () => {
  it('stop a run before its first step when one is not on PATH, naming it; a target may need fewer', async () => {
    const { dir, home } = makeProject();
    const env = { ALTS_TUTOR_HOME: home };
    const missing = await runCli(['run', 'needs-tools', '--target', 'there', '--yes'], { cwd: dir, env });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toBe(
      'alts-tutor: needs-tools on target there needs what this machine lacks: alts-tutor-no-such-program is not installed (requires (tutorials/needs-tools.md:1)); no known package provides it\n  get it, or choose another target (--target here)\n',
    );
    expect(existsSync(join(dir, 'ran.txt'))).toBe(false);
    expect(JSON.parse((await runCli(['status', '--json'], { cwd: dir, env })).stdout)).toEqual([]);
    const here = await runCli(['run', 'needs-tools', '--target', 'here', '--yes'], { cwd: dir, env });
    expect(here.code).toBe(0);
    expect(existsSync(join(dir, 'ran.txt'))).toBe(true);
  });
});

describe('a reader that goes away', () => {
  it('ends the run quietly with status 141, as a pipe writer does, leaving no process behind', async () => {
    const { dir, home } = makeProject();
    const { child, done } = startCli(['run', 'chatty', '--yes', '--reporter', 'json'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } });
    const deadline = Date.now() + 10_000;
    while (!existsSync(join(dir, 'chatty.pid')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const step = Number(readFileSync(join(dir, 'chatty.pid'), 'utf8'));
    // `| head` exiting: the read end of the runner's stdout closes while output still flows.
    child.stdout?.destroy();
    const result = await done;
    expect(result.code).toBe(141);
    expect(result.stderr).toBe('');
    expect(isAlive(step)).toBe(false);
    const [session] = JSON.parse((await runCli(['status', '--json'], { cwd: dir, env: { ALTS_TUTOR_HOME: home } })).stdout);
    expect(session.status).toBe('interrupted');
  });
});

describe('the bundled hello tutorial', () => {
  it('runs from any directory: a background service on a port given by --var, and a request to it', async () => {
    const { dir, home } = makeProject();
    const port = await freePort();
    const result = await runCli(['run', 'hello', '--yes', '--var', `PORT=${port}`], {
      cwd: dir,
      env: { ALTS_TUTOR_HOME: home, TMPDIR: dir },
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('✓ serve');
    expect(result.stdout).toMatch(/passed: 5 passed, 0 failed/);
    // The service was stopped when the run ended.
    expect(await portOpen(port)).toBe(false);
  });
});

describe('alts-tutor list, --help, --version', () => {
  it('list --json describes each tutorial, and a broken one with its error', async () => {
    const { dir } = makeProject();
    const result = await runCli(['list', '--json'], { cwd: dir });
    const entries = JSON.parse(result.stdout) as Array<{ id: string; steps: number; error?: string }>;
    expect(entries.find((entry) => entry.id === 'fails')?.steps).toBe(3);
    expect(entries.find((entry) => entry.id === 'broken')?.error).toContain('unknown attribute');
    expect(result.code).toBe(2);
  });

  it('--help and --version exit 0', async () => {
    const { dir } = makeProject();
    const help = await runCli(['run', '--help'], { cwd: dir });
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--dry-run');
    const version = await runCli(['--version'], { cwd: dir });
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });
});
