import { type ChildProcess, spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'alts-tutor.js');
const FIXTURES = resolve(import.meta.dirname, '..', 'fixtures');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** The projects `makeProject` made in this test file, until `removeProjects` removes them. */
const projects: string[] = [];

/**
 * A fresh copy of a fixture project (`test/fixtures/<name>/`) and a private state home. A file
 * that makes one calls `afterAll(removeProjects)`.
 */
export function makeProject(fixture = 'cli'): { dir: string; home: string } {
  const dir = mkdtempSync(join(tmpdir(), 'alts-cli-'));
  projects.push(dir);
  cpSync(join(FIXTURES, fixture), dir, { recursive: true });
  return { dir, home: join(dir, '.state') };
}

/** Removes every project `makeProject` made (for afterAll, once the runs in them have ended). */
export function removeProjects(): void {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Spawns the real bin (no TTY: stdin is closed) and collects what it prints. */
export function startCli(
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; asUser?: number },
): { child: ChildProcess; done: Promise<CliResult> } {
  // Another user gets only the environment given: root's own (HOME, caches) is not theirs.
  const env: NodeJS.ProcessEnv = { ...(options.asUser === undefined && process.env), NO_COLOR: '1', ...options.env };
  // The runner's own CI setting never leaks in; a test that wants one gives it.
  if (options.env?.CI === undefined) delete env.CI;
  // Nor does GitHub Actions': under it, test adds the github reporter (annotations on stderr).
  if (options.env?.GITHUB_ACTIONS === undefined) delete env.GITHUB_ACTIONS;
  const user = options.asUser === undefined ? {} : { uid: options.asUser, gid: options.asUser };
  const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd, env, stdio: ['ignore', 'pipe', 'pipe'], ...user });
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function runCli(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv }): Promise<CliResult> {
  return startCli(args, options).done;
}

export { freePort, isAlive, portOpen } from '../support/processes.js';
