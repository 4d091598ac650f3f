import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ShellOptions, ShellSession, type StepOutcome, type StepRequest } from '../../src/execute/shell-session.js';
import { isAlive } from '../support/processes.js';

/**
 * Shared by the executor tests. Every shell gets a unique `ALTS_TEST_TAG` in its environment,
 * which every process it starts inherits, so a test can find anything that survived.
 */

/** A fresh temporary directory, removed by `cleanup()`. */
export class Scratch {
  private readonly dirs: string[] = [];
  private readonly shells: { shell: ShellSession; tag: string }[] = [];

  dir(): string {
    const dir = mkdtempSync(join(tmpdir(), 'alts-exec-test-'));
    this.dirs.push(dir);
    return dir;
  }

  /** Starts a shell in `cwd` (a fresh temp dir by default) with a tag to find its processes by. */
  async shell(cwd = this.dir(), env: NodeJS.ProcessEnv = process.env): Promise<ShellSession> {
    const tag = randomBytes(6).toString('hex');
    const options: ShellOptions = { host: 'test', cwd, env: { ...env, ALTS_TEST_TAG: tag } };
    const shell = await ShellSession.start(options);
    this.shells.push({ shell, tag });
    return shell;
  }

  /** The tag of a shell started by `shell()`. */
  tagOf(shell: ShellSession): string {
    const entry = this.shells.find((candidate) => candidate.shell === shell);
    if (!entry) throw new Error('not a shell of this scratch');
    return entry.tag;
  }

  /** Closes every shell and returns the live processes any of them left behind. */
  async cleanup(): Promise<number[]> {
    const shells = this.shells.splice(0);
    await Promise.all(shells.map(({ shell }) => shell.close()));
    const survivors = shells.flatMap(({ tag }) => taggedProcesses(tag));
    for (const pid of survivors) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
    for (const dir of this.dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
    return survivors;
  }
}

/** Live processes whose environment carries `ALTS_TEST_TAG=tag`. */
export function taggedProcesses(tag: string): number[] {
  const needle = `ALTS_TEST_TAG=${tag}\0`;
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`, 'latin1').includes(needle) && isAlive(pid)) found.push(pid);
    } catch {
      // Gone, or not ours.
    }
  }
  return found;
}

/** Polls `condition` until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return condition();
}

/** Reads a PID a step wrote to a file. */
export function readPid(path: string): number {
  const pid = Number(readFileSync(path, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) throw new Error(`no PID in ${path}`);
  return pid;
}

export interface StepRun {
  outcome: StepOutcome;
  /** Everything the step printed, as text. */
  output: string;
  chunks: Buffer[];
}

/** Runs one step and collects its output. */
export async function runStep(
  shell: ShellSession,
  kind: StepRequest['kind'],
  body: string,
  options: Partial<Pick<StepRequest, 'expectedExit' | 'cwd' | 'timeoutMs'>> = {},
): Promise<StepRun> {
  const chunks: Buffer[] = [];
  const outcome = await shell.run({
    kind,
    body,
    expectedExit: options.expectedExit ?? 0,
    timeoutMs: options.timeoutMs ?? 20_000,
    onOutput: (chunk) => chunks.push(Buffer.from(chunk)),
    ...(options.cwd !== undefined && { cwd: options.cwd }),
  });
  return { outcome, output: Buffer.concat(chunks).toString('utf8'), chunks };
}

export { freePort, isAlive, processState } from '../support/processes.js';
