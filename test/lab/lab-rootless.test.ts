import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { processesIn } from '../../src/lab/lab-processes.js';
import { makeProject, removeProjects, startCli } from '../cli/helpers.js';
import { survivors } from './helpers.js';

// An ordinary user: the lab then runs in a user namespace of its own (this kernel allows them).
const NOBODY = 65534;
const PREFIX = 'atltf-';
/**
 * The user's runtime directory (XDG_RUNTIME_DIR, also their TMPDIR), which holds the registry of
 * their labs: this file's own, removed after it. Without one the registry would be
 * /tmp/alts-tutor-labs-UID, which the product leaves for the user's next run.
 */
const RUNTIME = mkdtempSync(join(tmpdir(), 'atlt-rootless-'));
chownSync(RUNTIME, NOBODY, NOBODY);
const REGISTRY = join(RUNTIME, 'alts-tutor', 'labs');

/** The processes of this user's labs with the test prefix, by their user namespaces. */
function labProcesses(): number[] {
  const records = existsSync(REGISTRY) ? readdirSync(REGISTRY).filter((name) => name.startsWith(PREFIX)) : [];
  return records.flatMap((name) => {
    const holder = (JSON.parse(readFileSync(join(REGISTRY, name), 'utf8')) as { holder?: { pid: number } }).holder;
    return holder ? processesIn('user', [`/proc/${holder.pid}/ns/user`]) : [];
  });
}

function records(): string[] {
  return existsSync(REGISTRY) ? readdirSync(REGISTRY).filter((name) => name.startsWith(PREFIX)) : [];
}

function project() {
  const { dir, home } = makeProject('lab');
  const chownAll = (path: string) => {
    chownSync(path, NOBODY, NOBODY);
    for (const entry of readdirSync(path, { withFileTypes: true })) {
      const child = join(path, entry.name);
      if (entry.isDirectory()) chownAll(child);
      else chownSync(child, NOBODY, NOBODY);
    }
  };
  chownAll(dir);
  const env = {
    PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
    HOME: dir,
    ALTS_TUTOR_HOME: home,
    ALTS_TUTOR_LAB_PREFIX: PREFIX,
    XDG_RUNTIME_DIR: RUNTIME,
    TMPDIR: RUNTIME,
  };
  const start = (args: string[]) => startCli(args, { cwd: dir, env, asUser: NOBODY });
  return { dir, start };
}

afterAll(() => {
  for (const pid of labProcesses()) process.kill(pid, 'SIGKILL');
  for (const name of records()) rmSync(join(REGISTRY, name), { force: true });
  rmSync(RUNTIME, { recursive: true, force: true });
  removeProjects();
});

describe('the lab for an ordinary user', () => {
  it('runs a lab tutorial in a user namespace and leaves nothing behind', async () => {
    const { start } = project();
    const result = await start(['run', 'lab-hosts', '--target', 'lab', '--yes']).done;
    expect(result.stderr).toBe('');
    expect(result.stdout).toContain('passed: 5 passed, 0 failed');
    expect(result.code).toBe(0);
    expect(records()).toEqual([]);
  });

  it('starts the handshaker emulator there too', async () => {
    const { start } = project();
    const result = await start(['run', 'lab-metadata', '--target', 'lab', '--yes']).done;
    expect(result.stdout).toContain('passed: 2 passed, 0 failed');
    expect(records()).toEqual([]);
  });

  it('after a kill, leaves a lab that the next run removes', async () => {
    const killed = project();
    const run = killed.start(['run', 'lab-slow', '--target', 'lab', '--yes']);
    while (!existsSync(join(killed.dir, 'started.txt'))) await new Promise((resolve) => setTimeout(resolve, 25));
    run.child.kill('SIGKILL');
    await run.done;
    const left = labProcesses();
    expect(left.length).toBeGreaterThan(0);
    expect(records()).toHaveLength(1);

    const next = project();
    const result = await next.start(['run', 'lab-default', '--target', 'lab', '--yes']).done;
    expect(result.code).toBe(0);
    expect(await survivors(left)).toEqual([]);
    expect(records()).toEqual([]);
  });
});
