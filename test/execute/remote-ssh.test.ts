import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { UserError } from '../../src/errors.js';
import { openHost } from '../../src/execute/open-host.js';
import { remotePortUser, shellProbe } from '../../src/execute/readiness.js';
import type { ShellSession } from '../../src/execute/shell-session.js';
import { type SshServer, startSshServer } from '../support/ssh-server.js';
import { isAlive, readPid, runStep, taggedProcesses, waitFor } from './helpers.js';

/**
 * `ssh:` hosts, for real: an OpenSSH server in a network namespace of its own. The namespace
 * shares this machine's file system and process table, so a test can read what remote steps
 * wrote and see their processes; `ip netns pids` tells which processes run "there".
 */

let server: SshServer;
const dirs: string[] = [];
const opened: { shell: ShellSession; tag: string }[] = [];

beforeAll(async () => {
  server = await startSshServer();
});

afterEach(async () => {
  const shells = opened.splice(0);
  await Promise.all(shells.map(({ shell }) => shell.close()));
  // Nothing stays: no ssh of this machine (they carry the shell's tag), nothing in the namespace.
  expect(shells.flatMap(({ tag }) => taggedProcesses(tag))).toEqual([]);
  expect(await waitFor(() => server.processesInside().length === 0, 10_000)).toBe(true);
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

afterAll(async () => {
  await server?.stop();
});

function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'atssh-work-'));
  dirs.push(dir);
  return realpathSync(dir);
}

async function openSsh(destination = `root@${server.address}`): Promise<ShellSession> {
  const tag = randomBytes(6).toString('hex');
  const env = { ...process.env, ALTS_TUTOR_SSH_CONFIG: server.clientConfig, ALTS_TEST_TAG: tag, ALTS_TUTOR_SESSION: `remote-test-${tag}` };
  const shell = await openHost('vm', { kind: 'ssh', destination }, { cwd: tmpdir(), env });
  opened.push({ shell, tag });
  return shell;
}

/** Remote processes whose command line matches. */
function inside(pattern: RegExp): number[] {
  return server
    .processesInside()
    .filter((process) => pattern.test(process.command))
    .map((process) => process.pid);
}

/** The network namespace of a process, as `readlink /proc/PID/ns/net` shows it. */
const netnsOf = (pid: number) => readlinkSync(`/proc/${pid}/ns/net`);

describe('ssh hosts', () => {
  it('run every step of a multi-step run over exactly one connection, with state carried', async () => {
    const dir = scratchDir();
    const before = server.acceptedConnections();
    const shell = await openSsh();

    const where = await runStep(shell, 'command', 'readlink /proc/self/ns/net; echo "$ALTS_TUTOR_SESSION"');
    const [remoteNet, session] = where.output.trim().split('\n');
    expect(remoteNet).toBe(server.netns);
    expect(remoteNet).not.toBe(netnsOf(process.pid));
    expect(session).toMatch(/^remote-test-/);

    await shell.setVariable('GREETING', 'hello $(not run) there', false);
    expect((await runStep(shell, 'command', 'COUNT=1; export EXPORTED=yes')).outcome.exitCode).toBe(0);
    const script = await runStep(shell, 'script', `count_up() {\n  COUNT=$((COUNT + 1))\n}\ncount_up\ncd ${dir}`);
    expect(script.outcome.exitCode).toBe(0);
    const carried = await runStep(shell, 'command', 'count_up; echo "$GREETING|$COUNT|$(pwd)|$(bash -c \'echo $EXPORTED\')"');
    expect(carried.output).toBe(`hello $(not run) there|3|${dir}|yes\n`);

    const elsewhere = await runStep(shell, 'script', 'pwd', { cwd: '/tmp' });
    expect(elsewhere.output).toBe('/tmp\n');
    expect((await runStep(shell, 'command', 'pwd')).output).toBe(`${dir}\n`);

    // A timeout, a background step and a state capture each need the host beside the shell.
    const timedOut = await runStep(shell, 'script', 'sleep 311', { timeoutMs: 500 });
    expect(timedOut.outcome.timedOut).toBe(true);
    let output = '';
    const job = await shell.startBackground('echo job-says-hi', undefined, (chunk) => {
      output += chunk.toString();
    });
    expect(await job.ended).toBe(0);
    expect(output).toBe('job-says-hi\n');
    expect(await shell.captureState()).toContain('COUNT="3"');

    expect(server.acceptedConnections() - before).toBe(1);
  });

  it('report the line of a failing script, and keep the shell as it was', async () => {
    const shell = await openSsh();
    await runStep(shell, 'command', 'KEPT=before');
    const failed = await runStep(shell, 'script', 'echo one\nKEPT=after\nls /no/such/dir\necho never');
    expect(failed.outcome.exitCode).not.toBe(0);
    expect(failed.outcome.errorLine).toBe(3);
    expect(failed.output).toContain('one\n');
    expect(failed.output).not.toContain('never');
    expect((await runStep(shell, 'command', 'echo "$KEPT"')).output).toBe('before\n');
  });

  it('kill a step that times out, with its children, on the host, and keep the shell', async () => {
    const dir = scratchDir();
    const shell = await openSsh();
    await runStep(shell, 'command', 'KEPT=before');
    const body = `sleep 312 & echo $! > ${dir}/job.pid\nbash -c 'echo $$ > ${dir}/child.pid; exec sleep 313'`;
    // Long enough for both processes to start (and the test to see them) on a loaded machine.
    const step = runStep(shell, 'script', body, { timeoutMs: 4000 });
    expect(await waitFor(() => existsSync(join(dir, 'job.pid')) && existsSync(join(dir, 'child.pid')), 10_000)).toBe(true);
    const pids = [readPid(join(dir, 'job.pid')), readPid(join(dir, 'child.pid'))];
    expect(pids.map(netnsOf)).toEqual([server.netns, server.netns]);
    const { outcome } = await step;
    expect(outcome).toMatchObject({ timedOut: true, shellLost: false });
    expect(await waitFor(() => pids.every((pid) => !isAlive(pid)))).toBe(true);
    expect(inside(/sleep 31[23]/)).toEqual([]);
    expect((await runStep(shell, 'command', 'echo "$KEPT"')).output).toBe('before\n');
  });

  it('stop a command waiting on $(…) without losing the shell', async () => {
    const shell = await openSsh();
    await runStep(shell, 'command', 'KEPT=before');
    const { outcome } = await runStep(shell, 'command', 'VALUE=$(sleep 314)', { timeoutMs: 500 });
    expect(outcome).toMatchObject({ timedOut: true, shellLost: false });
    expect(inside(/sleep 314/)).toEqual([]);
    expect((await runStep(shell, 'command', 'echo "$KEPT"')).output).toBe('before\n');
  });

  it('interrupt the running step', async () => {
    const dir = scratchDir();
    const shell = await openSsh();
    const step = runStep(shell, 'script', `sleep 315 & echo $! > ${dir}/s.pid; wait`);
    expect(await waitFor(() => existsSync(join(dir, 's.pid')), 10_000)).toBe(true);
    shell.interrupt();
    const { outcome } = await step;
    expect(outcome.interrupted).toBe(true);
    expect(await waitFor(() => inside(/sleep 315/).length === 0)).toBe(true);
    expect((await runStep(shell, 'command', 'echo ok')).output).toBe('ok\n');
  });

  it('ready=port: only a listener of the job itself counts, and a port taken before the step is named', async () => {
    const port = 20_000 + Math.floor(Math.random() * 20_000);
    const listen = `exec node -e 'require("net").createServer().listen(${port}, "127.0.0.1")'`;
    // Somebody else's server on the host, started over another connection.
    const other = await openSsh();
    const theirs = await other.startBackground(listen, undefined, () => {});
    const shell = await openSsh();
    // A step's set -u must not break the probes, which run in subshells of this shell.
    await runStep(shell, 'command', 'set -u');
    let user: string | undefined;
    for (let tries = 0; tries < 200 && user === undefined; tries++) {
      user = await remotePortUser(shell, port);
      if (user === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(user).toMatch(/^pid \d+ \(node\)$/);
    expect(await remotePortUser(shell, port === 40_000 ? 39_999 : port + 1)).toBeUndefined();
    // A job that does not listen is not made ready by their server; theirs is.
    const mine = await shell.startBackground('sleep 317', undefined, () => {});
    expect(await shellProbe(shell, mine.group)({ kind: 'port', port })).toBe(false);
    expect(await shellProbe(shell, theirs.group)({ kind: 'port', port })).toBe(true);
  });

  it('stream a background step while later steps run, and stop it at close', async () => {
    const dir = scratchDir();
    const shell = await openSsh();
    let output = '';
    const first = await shell.startBackground(
      `echo started; while [ ! -e ${dir}/go ]; do sleep 0.05; done; echo done; exit 4`,
      undefined,
      (chunk) => {
        output += chunk.toString();
      },
    );
    expect(await waitFor(() => output === 'started\n', 10_000)).toBe(true);
    expect((await runStep(shell, 'command', `touch ${dir}/go; echo foreground`)).output).toBe('foreground\n');
    expect(await first.ended).toBe(4);
    expect(output).toBe('started\ndone\n');

    let longOutput = '';
    const longRunning = await shell.startBackground('echo up; exec sleep 316', undefined, (chunk) => {
      longOutput += chunk.toString();
    });
    expect(await waitFor(() => longOutput === 'up\n', 10_000)).toBe(true);
    expect(await waitFor(() => inside(/sleep 316/).length === 1, 10_000)).toBe(true);
    const [entry] = opened.splice(opened.length - 1);
    await shell.close();
    expect(await longRunning.ended).toBeUndefined();
    expect(inside(/sleep 316/)).toEqual([]);
    expect(taggedProcesses(entry?.tag ?? '')).toEqual([]);
  });

  it('stop a background step on request, even one that never opened its output', async () => {
    const shell = await openSsh();
    let output = '';
    const job = await shell.startBackground('exec sleep 317', undefined, (chunk) => {
      output += chunk.toString();
    });
    expect(await waitFor(() => inside(/sleep 317/).length === 1, 10_000)).toBe(true);
    await job.stop();
    expect(await job.ended).toBeUndefined();
    expect(inside(/sleep 317/)).toEqual([]);
    expect(output).toBe('');
  });

  it('capture the state on one connection and restore it on another', async () => {
    const dir = scratchDir();
    const first = await openSsh();
    await first.setVariable('TOKEN', 'a-s3cret-value', true);
    await runStep(first, 'script', `LIST=(one "two words")\ngreet() { echo "hi $1"; }\ncd ${dir}\nCOPY="$TOKEN"`);
    const state = await first.captureState();
    expect(state).toBeDefined();
    expect(state).not.toContain('a-s3cret-value');
    expect(state).not.toContain('ALTS_TUTOR_SHELL');
    const second = await openSsh();
    // A copy of a secret is saved as a reference to it: given again, the secret rebuilds it.
    await second.setVariable('TOKEN', 'a-s3cret-value', true);
    await second.restoreState(state ?? '');
    const { output } = await runStep(second, 'command', 'greet "${LIST[1]}"; pwd; echo "${COPY-unset}"');
    expect(output).toBe(`hi two words\n${dir}\na-s3cret-value\n`);
  });

  it('refuse a captured state that a job left running wrote into: restoring it would run that text', async () => {
    const dir = scratchDir();
    const first = await openSsh();
    await runStep(first, 'command', `KEPT=value; while :; do echo "touch ${dir}/injected"; sleep 0.01; done &`);
    const states: (string | undefined)[] = [];
    for (let capture = 0; capture < 5; capture++) states.push(await first.captureState());
    await runStep(first, 'command', 'kill %1; wait');
    expect(await first.captureState()).toContain('KEPT="value"');
    const second = await openSsh();
    for (const state of states) if (state !== undefined) await second.restoreState(state);
    expect(existsSync(join(dir, 'injected'))).toBe(false);
  });

  it('lose the shell when a step runs exit, and stop what it left running', async () => {
    const shell = await openSsh();
    await runStep(shell, 'command', 'sleep 318 &');
    // The step ends once the job is forked; it is `sleep` once it has exec'd.
    expect(await waitFor(() => inside(/sleep 318/).length === 1, 10_000)).toBe(true);
    const { outcome } = await runStep(shell, 'command', 'exit 3');
    expect(outcome.shellLost).toBe(true);
    expect(shell.alive).toBe(false);
    expect(await waitFor(() => inside(/sleep 318/).length === 0, 10_000)).toBe(true);
  });

  it('leave nothing running on the host when the runner kills everything at once', async () => {
    const shell = await openSsh();
    const privateDir = (await runStep(shell, 'command', 'echo "$__alts_dir"')).output.trim();
    expect(existsSync(privateDir)).toBe(true);
    await shell.startBackground('exec sleep 319', undefined, () => {});
    const step = runStep(shell, 'script', 'sleep 320');
    expect(await waitFor(() => inside(/sleep 3(19|20)/).length === 2, 10_000)).toBe(true);
    shell.killNow();
    const { outcome } = await step;
    expect(outcome.shellLost).toBe(true);
    expect(await waitFor(() => server.processesInside().length === 0, 10_000)).toBe(true);
    expect(await waitFor(() => !existsSync(privateDir), 10_000)).toBe(true);
  });

  it('say which host and command failed, with ssh’s own message', async () => {
    const failure = openSsh(`nosuchuser@${server.address}`);
    await expect(failure).rejects.toThrow(UserError);
    await expect(failure).rejects.toThrow(/host vm .*`ssh -F \S+ -T .*nosuchuser@[\d.]+ '<shell>'`: .*Permission denied/s);
  });

  it('refuse a destination that would be an ssh option', async () => {
    await expect(openSsh('-oProxyCommand=touch /tmp/atssh-pwned')).rejects.toThrow(/not an ssh destination/);
    expect(existsSync('/tmp/atssh-pwned')).toBe(false);
  });

  it('keep the private directory on the host private, and remove it at close', async () => {
    const shell = await openSsh();
    const { output } = await runStep(shell, 'command', 'echo "$__alts_dir"; stat -c %a "$__alts_dir"');
    const [dir, mode] = output.trim().split('\n');
    expect(mode).toBe('700');
    expect(existsSync(dir ?? '/')).toBe(true);
    const [entry] = opened.splice(opened.length - 1);
    await shell.close();
    expect(existsSync(dir ?? '/')).toBe(false);
    expect(taggedProcesses(entry?.tag ?? '')).toEqual([]);
  });
});
