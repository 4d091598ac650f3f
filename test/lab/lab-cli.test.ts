import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeProject, removeProjects, runCli, startCli } from '../cli/helpers.js';
import { freePort } from '../support/processes.js';
import { namespacesWith, processesInNamespaces, survivors, sweep, traces } from './helpers.js';

const PREFIX = 'atltc-';

/** Removed after the tests: the fake gcloud's directory and the empty state home. */
const scratch = mkdtempSync(join(tmpdir(), 'atlt-cli-'));

/** A gcloud with no account: the default target must then be the lab. */
const gcloudWithoutAccount = join(scratch, 'bin');
mkdirSync(gcloudWithoutAccount);
writeFileSync(join(gcloudWithoutAccount, 'gcloud'), '#!/bin/sh\necho "ERROR: (gcloud) no active account" >&2\nexit 1\n');
chmodSync(join(gcloudWithoutAccount, 'gcloud'), 0o755);

function project(prefix = PREFIX) {
  const { dir, home } = makeProject('lab');
  const env = { ALTS_TUTOR_HOME: home, ALTS_TUTOR_LAB_PREFIX: prefix, PATH: `${gcloudWithoutAccount}:${process.env.PATH}` };
  return {
    dir,
    cli: (args: string[], extra: NodeJS.ProcessEnv = {}) => runCli(args, { cwd: dir, env: { ...env, ...extra } }),
    start: (args: string[]) => startCli(args, { cwd: dir, env }),
    /** Starts the slow tutorial and resolves once its step runs in the lab. */
    startSlow: async () => {
      const marker = join(dir, 'started.txt');
      const run = startCli(['run', 'lab-slow', '--target', 'lab', '--yes'], { cwd: dir, env });
      await waitFor(() => existsSync(marker));
      return run;
    },
  };
}

async function waitFor(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 25));
}

afterAll(() => {
  for (const prefix of [PREFIX, 'atltd-', 'atlte-']) sweep(prefix);
  rmSync(scratch, { recursive: true, force: true });
  removeProjects();
});

describe('lab tutorials on the command line', () => {
  it('run for real on lab hosts, and leave no namespace behind', async () => {
    const { cli } = project();
    const result = await cli(['run', 'lab-hosts', '--target', 'lab', '--yes']);
    expect(result.stdout).toContain('passed: 5 passed, 0 failed');
    expect(result.code).toBe(0);
    expect(traces(PREFIX)).toEqual([]);
  });

  it('wait for a port or URL of a background step from inside its lab host', async () => {
    const { cli } = project();
    // Free on this machine, so only a check made inside the namespace can see it open.
    const port = await freePort();
    const result = await cli(['run', 'lab-readiness', '--target', 'lab', '--yes', '--var', `PORT=${port}`]);
    expect(result.stdout).toContain('passed: 3 passed, 0 failed');
    expect(result.code).toBe(0);
  });

  it('start the handshaker emulator on the metadata host, log it in the session, and stop it', async () => {
    const { cli, dir } = project();
    const result = await cli(['run', 'lab-metadata', '--target', 'lab', '--yes']);
    expect(result.stdout).toContain('passed: 2 passed, 0 failed');
    expect(result.code).toBe(0);
    const [session] = readdirSync(join(dir, '.state', 'sessions'));
    const log = readFileSync(join(dir, '.state', 'sessions', session ?? '', 'lab', 'handshaker.log'), 'utf8');
    expect(log).toContain('192.0.2.11 runs as alts-client@lab-project.iam.gserviceaccount.com');
    expect(log).toContain('listening on 169.254.169.254:8080');
    expect(log).toContain('stopped (SIGTERM)');
    expect(traces(PREFIX)).toEqual([]);
  });

  it('resume a lab run in a fresh lab: the steps that passed on lab hosts run again, those on this machine do not', async () => {
    const { cli, dir } = project();
    const first = await cli(['run', 'lab-resume', '--target', 'lab', '--yes']);
    expect(first.stdout).toContain('✗ gate');
    expect(first.code).toBe(1);
    expect(traces(PREFIX)).toEqual([]);
    writeFileSync(join(dir, 'gate'), '');
    const resumed = await cli(['resume', '--yes']);
    expect(resumed.stdout).toContain('note: the lab is set up afresh, so the steps that passed on its hosts run again\n');
    expect(resumed.stdout).toMatch(/resuming session \S+ at step gate, after running again: forward, serve\n/);
    // Without forwarding on the new lab's router, the client could not reach web.
    expect(resumed.stdout).toContain('✓ connect');
    expect(resumed.code).toBe(0);
    expect(readFileSync(join(dir, 'local-runs.txt'), 'utf8')).toBe('built\n');
    expect(readFileSync(join(dir, 'forward-runs.txt'), 'utf8')).toBe('forward\nforward\n');
    expect(traces(PREFIX)).toEqual([]);
  });

  it('without --target and without a gcloud account, run in the lab and say so in one line', async () => {
    const { cli } = project();
    const result = await cli(['run', 'lab-default', '--yes']);
    expect(result.stderr).toBe('No gcloud account: running in the local lab (--target lab)\n');
    expect(result.stdout).toContain('target lab');
    expect(result.code).toBe(0);
  });

  it('stop at Ctrl-C and leave nothing behind', async () => {
    const { startSlow } = project();
    const run = await startSlow();
    const namespaces = namespacesWith(PREFIX);
    expect(namespaces.length).toBe(3);
    const pids = processesInNamespaces(namespaces);
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(traces(PREFIX)).toEqual([]);
    expect(await survivors(pids)).toEqual([]);
  });

  it('quit at a second Ctrl-C and still leave nothing behind', async () => {
    const { startSlow } = project();
    const run = await startSlow();
    const pids = processesInNamespaces(namespacesWith(PREFIX));
    run.child.kill('SIGINT');
    // The step ignores SIGTERM: the first press is still waiting for it when the second comes.
    await new Promise((resolve) => setTimeout(resolve, 300));
    run.child.kill('SIGINT');
    const result = await run.done;
    expect(result.code).toBe(130);
    expect(traces(PREFIX)).toEqual([]);
    expect(await survivors(pids)).toEqual([]);
  });
});

describe('the lab of a run that was killed', () => {
  it('is removed by cleanup, which says so', async () => {
    const prefix = 'atltd-';
    const { startSlow, cli } = project(prefix);
    const run = await startSlow();
    const namespaces = namespacesWith(prefix);
    const pids = processesInNamespaces(namespaces);
    run.child.kill('SIGKILL');
    await run.done;
    expect(namespacesWith(prefix)).toEqual(namespaces);
    const id = namespaces[0]?.slice(0, prefix.length + 4);
    const result = await cli(['cleanup', '--yes']);
    expect(result.stdout).toContain(`removed lab ${id} of a run that is gone: namespaces ${[...namespaces].sort().join(', ')}`);
    expect(result.code).toBe(0);
    expect(traces(prefix)).toEqual([]);
    expect(await survivors(pids)).toEqual([]);
  });

  it('is removed by cleanup from another state home, with no session of its own', async () => {
    const prefix = 'atltf-';
    const { startSlow, cli } = project(prefix);
    const run = await startSlow();
    const namespaces = namespacesWith(prefix);
    const pids = processesInNamespaces(namespaces);
    run.child.kill('SIGKILL');
    await run.done;
    const freshHome = join(scratch, 'fresh-home');
    mkdirSync(freshHome);
    const result = await cli(['cleanup', '--yes'], { ALTS_TUTOR_HOME: freshHome });
    expect(result.stdout).toContain(`namespaces ${[...namespaces].sort().join(', ')}`);
    expect(result.code).toBe(0);
    expect(traces(prefix)).toEqual([]);
    expect(await survivors(pids)).toEqual([]);
  });

  it('is removed by the next run, which leaves the lab of a live run alone', async () => {
    const prefix = 'atlte-';
    const killed = project(prefix);
    const first = await killed.startSlow();
    const left = namespacesWith(prefix);
    first.child.kill('SIGKILL');
    await first.done;

    const live = project(prefix);
    const second = await live.startSlow();
    const running = namespacesWith(prefix);
    expect(running).toHaveLength(3);
    expect(running.filter((ns) => left.includes(ns))).toEqual([]);
    // cleanup from elsewhere (no session of its own) must not touch the live run's lab.
    const emptyHome = join(scratch, 'empty-home');
    mkdirSync(emptyHome);
    const cleanup = await killed.cli(['cleanup', '--yes'], { ALTS_TUTOR_HOME: emptyHome });
    expect(cleanup.stdout).not.toContain('removed lab');
    expect(namespacesWith(prefix)).toEqual(running);
    second.child.kill('SIGINT');
    expect((await second.done).code).toBe(130);
    expect(traces(prefix)).toEqual([]);
  });
});
