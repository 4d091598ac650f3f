import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { waitUntilReady } from '../../src/execute/readiness.js';
import type { BackgroundJob, ShellSession } from '../../src/execute/shell-session.js';
import type { ConcreteReadiness as Readiness } from '../../src/format/tutorial.js';
import { freePort, isAlive, readPid, runStep, Scratch, waitFor } from './helpers.js';

const scratch = new Scratch();

afterEach(async () => {
  expect(await scratch.cleanup()).toEqual([]);
});

interface Started {
  job: BackgroundJob;
  output(): string;
}

async function background(shell: ShellSession, body: string, cwd?: string): Promise<Started> {
  let output = '';
  const job = await shell.startBackground(body, cwd, (chunk) => {
    output += chunk.toString('utf8');
  });
  return { job, output: () => output };
}

function ready(started: Started, readiness: Readiness, timeoutMs = 10_000) {
  return waitUntilReady(readiness, { output: started.output, ended: started.job.ended, timeoutMs });
}

/** A server that starts listening only after a pause, so readiness has to wait for it. */
const slowListener = (port: number) =>
  `python3 -c "import socket, time
time.sleep(0.3)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', ${port})); s.listen()
print('listening', flush=True)
while True: s.accept()[0].close()" & echo $! > listener.pid; wait`;

describe('ShellSession.startBackground', () => {
  it('streams the output of a job while later steps run, and reports its exit status', async () => {
    const dir = scratch.dir();
    const shell = await scratch.shell(dir);
    const started = await background(shell, 'echo started; while [ ! -e go ]; do sleep 0.05; done; echo done; exit 4');
    expect(await ready(started, { kind: 'output', pattern: /^started$/m })).toEqual({ ready: true });
    const step = await runStep(shell, 'command', 'touch go; echo foreground');
    expect(step.output).toBe('foreground\n');
    expect(await started.job.ended).toBe(4);
    expect(started.output()).toBe('started\ndone\n');
  });

  it('runs a job with the session variables, in the directory given', async () => {
    const shell = await scratch.shell();
    const other = scratch.dir();
    await runStep(shell, 'script', 'GREETING=hello');
    const started = await background(shell, 'echo "$GREETING from $(pwd)"', other);
    expect(await started.job.ended).toBe(0);
    expect(started.output()).toBe(`hello from ${other}\n`);
  });

  it('runs a job with errexit: it stops at a failing command', async () => {
    const shell = await scratch.shell();
    const started = await background(shell, 'echo one; false; echo never');
    expect(await started.job.ended).toBe(1);
    expect(started.output()).toBe('one\n');
  });

  it('is ready when a port accepts connections', async () => {
    const dir = scratch.dir();
    const port = await freePort();
    const shell = await scratch.shell(dir);
    const started = await background(shell, slowListener(port));
    expect(await ready(started, { kind: 'port', port })).toEqual({ ready: true });
    expect(isAlive(readPid(join(dir, 'listener.pid')))).toBe(true);
  });

  it('is ready when python http.server answers 2xx on its URL', async () => {
    const dir = scratch.dir();
    const port = await freePort();
    const shell = await scratch.shell(dir);
    const started = await background(shell, `python3 -m http.server ${port} --bind 127.0.0.1 & echo $! > server.pid; wait`, dir);
    expect(await ready(started, { kind: 'http', url: `http://127.0.0.1:${port}/` })).toEqual({ ready: true });
    const fetched = await runStep(shell, 'command', `curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:${port}/`);
    expect(fetched.output).toBe('200');
  });

  it('fails readiness with a reason when the job exits before it is ready', async () => {
    const shell = await scratch.shell();
    const started = await background(shell, 'echo "bad config"; exit 3');
    const result = await ready(started, { kind: 'output', pattern: /listening/ });
    expect(result).toEqual({ ready: false, reason: 'the background step exited with status 3 before it was ready' });
    expect(started.output()).toBe('bad config\n');
  });

  it('fails readiness after its timeout when the job never gets ready', async () => {
    const dir = scratch.dir();
    const shell = await scratch.shell(dir);
    const port = await freePort();
    const started = await background(shell, 'echo $BASHPID > job.pid; sleep 60');
    const result = await ready(started, { kind: 'port', port }, 500);
    expect(result.ready).toBe(false);
    expect(!result.ready && result.reason).toMatch(/^not ready after \d+m?s \(port \d+ accepting connections\)$/);
    expect(isAlive(readPid(join(dir, 'job.pid')))).toBe(true);
  });

  it('stop() kills the job and everything it started', async () => {
    const dir = scratch.dir();
    const shell = await scratch.shell(dir);
    const started = await background(
      shell,
      `echo $BASHPID > job.pid; bash -c 'sleep 60 & echo $! > grandchild.pid; echo $$ > child.pid; wait'`,
    );
    const files = ['job.pid', 'child.pid', 'grandchild.pid'].map((name) => join(dir, name));
    expect(await waitFor(() => files.every(existsSync))).toBe(true);
    const pids = files.map(readPid);
    expect(pids.every(isAlive)).toBe(true);
    await started.job.stop();
    expect(await waitFor(() => pids.every((pid) => !isAlive(pid)))).toBe(true);
    expect(await started.job.ended).toBeUndefined();
    expect((await runStep(shell, 'command', 'echo shell fine')).output).toBe('shell fine\n');
  });

  it('stopping one job leaves the others running', async () => {
    const dir = scratch.dir();
    const shell = await scratch.shell(dir);
    const first = await background(shell, 'echo $BASHPID > first.pid; sleep 60');
    await background(shell, 'echo $BASHPID > second.pid; sleep 60');
    expect(await waitFor(() => existsSync(join(dir, 'first.pid')) && existsSync(join(dir, 'second.pid')))).toBe(true);
    await first.job.stop();
    expect(await waitFor(() => !isAlive(readPid(join(dir, 'first.pid'))))).toBe(true);
    expect(isAlive(readPid(join(dir, 'second.pid')))).toBe(true);
  });

  it('close() stops every background job and leaves no process behind', async () => {
    const dir = scratch.dir();
    const port = await freePort();
    const shell = await scratch.shell(dir);
    const server = await background(shell, slowListener(port));
    await background(shell, `bash -c 'sleep 60 & echo $! > grandchild.pid; wait'`);
    expect(await ready(server, { kind: 'port', port })).toEqual({ ready: true });
    expect(await waitFor(() => existsSync(join(dir, 'grandchild.pid')))).toBe(true);
    const pids = [readPid(join(dir, 'listener.pid')), readPid(join(dir, 'grandchild.pid'))];
    await shell.close();
    expect(pids.filter(isAlive)).toEqual([]);
    expect(await server.job.ended).toBeUndefined();
  });

  it('does not stop a background job when a foreground step times out', async () => {
    const dir = scratch.dir();
    const shell = await scratch.shell(dir);
    await background(shell, 'echo $BASHPID > job.pid; sleep 60');
    expect(await waitFor(() => existsSync(join(dir, 'job.pid')))).toBe(true);
    const { outcome } = await runStep(shell, 'command', 'sleep 60', { timeoutMs: 300 });
    expect(outcome.timedOut).toBe(true);
    expect(isAlive(readPid(join(dir, 'job.pid')))).toBe(true);
  });
});
