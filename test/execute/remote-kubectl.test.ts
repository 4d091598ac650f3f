import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openHost } from '../../src/execute/open-host.js';
import type { ShellSession } from '../../src/execute/shell-session.js';
import { installFakeCloudTools } from '../support/fake-cloud-tools.js';
import { isAlive, readPid, runStep, taggedProcesses, waitFor } from './helpers.js';

/**
 * `kubectl:` hosts through a fake `kubectl` that records its arguments and runs the command on
 * this machine (the "pod"), its input relayed as a kubelet would. Every process of the pod
 * inherits the test's tag, so a test sees whatever survived.
 */

const tools = installFakeCloudTools();
const opened: { shell: ShellSession; tag: string }[] = [];
const dirs: string[] = [];

afterEach(async () => {
  const shells = opened.splice(0);
  await Promise.all(shells.map(({ shell }) => shell.close()));
  for (const { tag } of shells) expect(await waitFor(() => taggedProcesses(tag).length === 0, 10_000)).toBe(true);
  tools.clearCalls();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

afterAll(() => tools.cleanup());

/** Processes of a pod (they carry its tag) whose command line matches. */
function running(tag: string, pattern: string): number[] {
  return taggedProcesses(tag).filter((pid) => {
    try {
      return new RegExp(pattern).test(readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
    } catch {
      return false;
    }
  });
}

function scratchDir(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'atssh-work-')));
  dirs.push(dir);
  return dir;
}

async function openPod(selector: string, env: NodeJS.ProcessEnv = {}): Promise<{ shell: ShellSession; tag: string }> {
  const tag = randomBytes(6).toString('hex');
  const shell = await openHost('web', { kind: 'kubectl', selector }, { cwd: tmpdir(), env: tools.env({ ALTS_TEST_TAG: tag, ...env }) });
  opened.push({ shell, tag });
  return { shell, tag };
}

describe('kubectl hosts', () => {
  it('run steps through one `kubectl exec -i` in the namespace and pod, state carried', async () => {
    const dir = scratchDir();
    const { shell } = await openPod('-n team-a web-0');
    await shell.setVariable('TARGET', 'whereami', false);
    await runStep(shell, 'script', `cd ${dir}\nprobe() { echo "probing $TARGET from $PWD"; }`);
    expect((await runStep(shell, 'command', 'probe')).output).toBe(`probing whereami from ${dir}\n`);
    const failed = await runStep(shell, 'script', 'true\ntrue\nfalse');
    expect(failed.outcome.errorLine).toBe(3);

    const sessions = tools.calls('kubectl');
    expect(sessions).toEqual([['exec', '-i', '-n', 'team-a', 'web-0', '--', 'sh', '-c', expect.stringMatching(/^command -v bash /)]]);
  });

  it('stop a step that times out with a second kubectl exec in the same pod', async () => {
    const dir = scratchDir();
    const { shell } = await openPod('-n team-a web-0');
    const step = runStep(shell, 'script', `bash -c 'echo $$ > ${dir}/child.pid; exec sleep 341'`, { timeoutMs: 800 });
    expect(await waitFor(() => existsSync(join(dir, 'child.pid')), 10_000)).toBe(true);
    const { outcome } = await step;
    expect(outcome).toMatchObject({ timedOut: true, shellLost: false });
    expect(await waitFor(() => !isAlive(readPid(join(dir, 'child.pid'))))).toBe(true);
    const helpers = tools.calls('kubectl').filter((call) => call[1] !== '-i');
    expect(helpers.length).toBeGreaterThan(0);
    for (const call of helpers) {
      expect(call.slice(0, 9)).toEqual(['exec', '-n', 'team-a', 'web-0', '--', 'bash', '--noprofile', '--norc', '-c']);
    }
    expect(helpers.some((call) => call.includes('stop-step'))).toBe(true);
    expect((await runStep(shell, 'command', 'echo alive')).output).toBe('alive\n');
  });

  it('stream a background step and stop it, and capture the state', async () => {
    const { shell, tag } = await openPod('deploy/whereami');
    let output = '';
    const job = await shell.startBackground('echo serving; exec sleep 342', undefined, (chunk) => {
      output += chunk.toString();
    });
    expect(await waitFor(() => output === 'serving\n', 10_000)).toBe(true);
    await runStep(shell, 'command', 'MODE=strict');
    expect(await shell.captureState()).toContain('MODE="strict"');
    expect(await waitFor(() => running(tag, 'sleep 342').length === 1, 10_000)).toBe(true);
    await job.stop();
    expect(await job.ended).toBeUndefined();
    expect(running(tag, 'sleep 342')).toEqual([]);
    expect(shell.alive).toBe(true);
    expect(tools.calls('kubectl').every((call) => call[1] === 'deploy/whereami' || call[2] === 'deploy/whereami')).toBe(true);
  });

  it('leave nothing running in the pod when the runner kills everything at once', async () => {
    const { shell, tag } = await openPod('-n team-a web-0');
    const privateDir = (await runStep(shell, 'command', 'echo "$__alts_dir"')).output.trim();
    expect(existsSync(privateDir)).toBe(true);
    await shell.startBackground('exec sleep 343', undefined, () => {});
    const step = runStep(shell, 'script', 'sleep 344');
    expect(await waitFor(() => running(tag, 'sleep 34[34]').length === 2, 10_000)).toBe(true);
    shell.killNow();
    expect((await step).outcome.shellLost).toBe(true);
    expect(await waitFor(() => taggedProcesses(tag).length === 0, 10_000)).toBe(true);
    expect(await waitFor(() => !existsSync(privateDir), 10_000)).toBe(true);
  });

  it('say that the pod needs bash when it has only sh', async () => {
    const onlySh = scratchDir();
    symlinkSync('/bin/sh', join(onlySh, 'sh'));
    const failure = openPod('-n team-a web-0', { ATSSH_POD_PATH: onlySh });
    await expect(failure).rejects.toThrow(
      /cannot start a shell on host web with `kubectl exec -i -n team-a web-0 -- sh -c '<shell>'`: alts-tutor: this host has no bash/,
    );
    await expect(failure).rejects.toMatchObject({ hint: expect.stringContaining('kubectl exec -n team-a web-0 -- true') });
  });

  it('refuse a selector that names no pod', async () => {
    await expect(openPod('   ')).rejects.toThrow(/does not name a pod/);
  });
});
