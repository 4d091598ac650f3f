import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { remoteControlArgv } from '../../src/execute/remote-scripts.js';
import { isAlive, waitFor } from './helpers.js';

/**
 * The control script that runs beside a remote shell, run here by this machine's bash: a
 * background job's reader and its stop arrive over separate connections, in either order.
 */

const dirs: string[] = [];
const jobs: ChildProcess[] = [];

afterEach(() => {
  for (const job of jobs.splice(0)) if (job.pid && isAlive(job.pid)) process.kill(-job.pid, 'SIGKILL');
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A shell's directory with the FIFO of a job that never opens it (a job killed before it could). */
function jobThatNeverOpensItsFifo(): { dir: string; fifo: string; group: number } {
  const dir = mkdtempSync(join(tmpdir(), 'atssh-control-'));
  dirs.push(dir);
  const fifo = join(dir, 'bg-1');
  execFileSync('mkfifo', ['-m', '600', fifo]);
  const job = spawn('sleep', ['300'], { detached: true, stdio: 'ignore' });
  jobs.push(job);
  return { dir, fifo, group: job.pid ?? 0 };
}

function control(dir: string, operation: string, args: readonly (string | number)[]) {
  const [program = 'bash', ...rest] = remoteControlArgv(dir, operation, args);
  return { program, args: rest };
}

describe('the control script of a remote shell', () => {
  it('stops a job, and a reader that comes afterwards finds nothing to read and says nothing', () => {
    const { dir, fifo, group } = jobThatNeverOpensItsFifo();
    const stop = control(dir, 'stop-job', [group, 2000, fifo]);
    expect(spawnSync(stop.program, stop.args, { timeout: 10_000 }).status).toBe(0);
    expect(isAlive(group)).toBe(false);
    expect(existsSync(fifo)).toBe(false);

    const follow = control(dir, 'follow', [fifo]);
    expect(spawnSync(follow.program, follow.args, { encoding: 'utf8', timeout: 10_000 })).toMatchObject({
      status: 0,
      stdout: '',
      stderr: '',
    });
  });

  it('releases a reader that waits for a job stopped before it opened its FIFO', async () => {
    const { dir, fifo, group } = jobThatNeverOpensItsFifo();
    const follow = control(dir, 'follow', [fifo]);
    const reader = spawn(follow.program, follow.args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let printed = '';
    reader.stdout.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    reader.stderr.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
    });
    const exited = new Promise<number | null>((resolve) => reader.once('close', resolve));

    const stop = control(dir, 'stop-job', [group, 2000, fifo]);
    expect(spawnSync(stop.program, stop.args, { timeout: 10_000 }).status).toBe(0);
    expect(await waitFor(() => reader.exitCode !== null, 10_000)).toBe(true);
    expect(await exited).toBe(0);
    expect(printed).toBe('');
    expect(existsSync(fifo)).toBe(false);
  });
});
