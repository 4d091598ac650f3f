import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { type BackgroundJob, fifoOutput, followBackground } from './background-job.js';
import type { HostLink, ShellOptions } from './host-link.js';
import { childProcessGroups, groupAlive, signalGroup, terminateGroups } from './process-groups.js';
import { makeRuntimeDir } from './runtime-dir.js';
import { supervisedCommand } from './shell-supervisor.js';

/** How long a closed shell may take to exit. */
const CLOSE_GRACE_MS = 2000;

/** A shell that is a process of this machine (a local host, or a lab host through `command`). */
export class LocalHostLink implements HostLink {
  readonly runtimeDir = makeRuntimeDir();
  readonly place = { runtimeDir: this.runtimeDir, stateOnStdout: false };
  readonly closeGraceMs = CLOSE_GRACE_MS;
  private shellPid = 0;
  /** The runner's end of the supervisor's fd 3: closing it (or dying) stops the shell's whole tree. */
  private supervisorPipe: Socket | undefined;

  constructor(private readonly options: ShellOptions) {}

  spawnShell(): ChildProcessWithoutNullStreams {
    const command = this.options.command ?? ['bash', '--noprofile', '--norc'];
    const supervised = supervisedCommand(command, this.runtimeDir, this.options.env.PATH);
    const [program = 'bash', ...args] = supervised ?? command;
    const child = spawn(program, args, {
      cwd: this.options.cwd,
      env: this.options.env,
      stdio: ['pipe', 'pipe', 'pipe', ...(supervised ? (['pipe'] as const) : [])],
      // Its own session: a Ctrl-C at the terminal reaches the runner, which decides what stops.
      detached: true,
    }) as ChildProcessWithoutNullStreams;
    if (supervised) {
      this.supervisorPipe = child.stdio[3] as unknown as Socket;
      this.supervisorPipe.on('error', () => {});
    } else {
      this.shellPid = child.pid ?? 0;
    }
    return child;
  }

  /** The shell's pid comes from its ready marker: the process started is its supervisor. */
  attach(fields: readonly string[]): void {
    if (this.supervisorPipe) this.shellPid = Number(fields[1]);
  }

  readState(): string {
    return readFileSync(join(this.runtimeDir, 'state'), 'utf8');
  }

  startFailure({ spawnError, stderrTail }: { spawnError?: Error; stderrTail: string }): Error {
    if (spawnError) return new UserError(`cannot start bash for host ${this.options.host}: ${spawnError.message}`);
    return new UserError(`bash for host ${this.options.host} exited at start: ${stderrTail.trim()}`);
  }

  async stopStep(scriptGroup: number | undefined, spared: ReadonlySet<number>, graceMs: number): Promise<void> {
    const groups = this.shellPid > 0 ? childProcessGroups(this.shellPid) : new Set<number>();
    if (scriptGroup !== undefined) groups.add(scriptGroup);
    for (const group of spared) groups.delete(group);
    await terminateGroups(groups, graceMs);
  }

  keepsLeftover(group: number): boolean {
    return groupAlive(group);
  }

  killShell(): void {
    // The supervisor stops what the shell started once the shell is gone.
    if (this.shellPid > 0) signalGroup(this.shellPid, 'SIGKILL');
    else this.supervisorPipe?.destroy();
  }

  followBackground(group: number, fifo: string, nonce: string, onOutput: (chunk: Buffer) => void): BackgroundJob {
    return followBackground(group, fifoOutput(group, fifo), nonce, onOutput);
  }

  async stopLeftovers(leftovers: ReadonlySet<number>, shellExited: boolean, graceMs: number): Promise<void> {
    await terminateGroups(this.withShellChildren(leftovers, shellExited), graceMs);
  }

  killNow(groups: Iterable<number>, shellExited: boolean): void {
    for (const group of this.withShellChildren(groups, shellExited)) signalGroup(group, 'SIGKILL');
    if (!shellExited && this.shellPid > 0) signalGroup(this.shellPid, 'SIGKILL');
    // And whatever else is in the shell's tree (a `setsid` child): the supervisor kills it all.
    this.supervisorPipe?.destroy();
  }

  /**
   * `groups` and the process groups of the shell's children, while it runs. Jobs steps left
   * running outlive a shell that exited (a step ran `exit`): `groups` must name them.
   */
  private withShellChildren(groups: Iterable<number>, shellExited: boolean): Set<number> {
    return new Set([...groups, ...(shellExited || this.shellPid <= 0 ? [] : childProcessGroups(this.shellPid))]);
  }

  dispose(): void {
    this.supervisorPipe?.destroy();
    rmSync(this.runtimeDir, { recursive: true, force: true });
  }
}
