import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { UserError } from '../errors.js';
import { type BackgroundJob, followBackground } from './background-job.js';
import type { HostLink, ShellOptions } from './host-link.js';
import { signalGroup } from './process-groups.js';
import { remoteControlArgv, remoteShellCommand } from './remote-scripts.js';
import { displayCommand, type RemoteTransport } from './remote-transport.js';
import { makeRuntimeDir } from './runtime-dir.js';

/** The supervisor's two stops of what is left (2 s each, see remote-scripts.ts) and the way back. */
const CLOSE_GRACE_MS = 6000;
/** How long a helper may take beyond the grace it was given, on a slow connection. */
const HELPER_SLACK_MS = 15_000;

/**
 * A shell on another host, over one connection (ssh, `gcloud compute ssh`, `kubectl exec -i`).
 * The shell runs under a supervisor (remote-scripts.ts) that owns its private directory and
 * stops everything it started when the connection's input ends, so neither closing the session
 * nor a dead runner leaves anything running there. Stopping a step or a background job, and
 * reading a job's output, are helpers beside the session over the same connection.
 */
export class RemoteHostLink implements HostLink {
  readonly place = { stateOnStdout: true };
  readonly closeGraceMs = CLOSE_GRACE_MS;
  runtimeDir = '';
  /** This machine's side: the control socket of the connection. */
  private readonly controlDir = makeRuntimeDir();
  private readonly transport: RemoteTransport;
  private readonly helpers = new Set<ChildProcess>();
  /** Control operations still running (a step's end can arrive before its stopper has exited). */
  private readonly controls = new Set<Promise<void>>();
  private shell: ChildProcessWithoutNullStreams | undefined;
  private shellPid = 0;

  constructor(
    private readonly options: ShellOptions,
    connect: (controlDir: string) => RemoteTransport,
  ) {
    try {
      this.transport = connect(this.controlDir);
    } catch (error) {
      this.dispose();
      throw error;
    }
  }

  spawnShell(): ChildProcessWithoutNullStreams {
    // The session id labels what steps create; the host gets it as the local shell does.
    const session = this.options.env.ALTS_TUTOR_SESSION;
    const [program = 'ssh', ...args] = this.transport.sessionCommand(remoteShellCommand(session ? [`ALTS_TUTOR_SESSION=${session}`] : []));
    this.shell = spawn(program, args, {
      cwd: this.options.cwd,
      env: this.options.env,
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own session: a Ctrl-C at the terminal reaches the runner, not ssh.
      detached: true,
    });
    return this.shell;
  }

  attach(fields: readonly string[]): void {
    this.shellPid = Number(fields[1]);
    this.runtimeDir = fields.slice(2).join(' ');
  }

  /** The state the shell printed, unless a job a step left running printed in between. */
  readState(printed: readonly Buffer[], stateBytes: number | undefined): string | undefined {
    const state = Buffer.concat(printed);
    return state.length === stateBytes ? state.toString('utf8') : undefined;
  }

  startFailure({ spawnError, stderrTail }: { spawnError?: Error; stderrTail: string }): Error {
    const argv = this.transport.sessionCommand('<shell>');
    const command = displayCommand(argv);
    if (spawnError) {
      const missing = (spawnError as NodeJS.ErrnoException).code === 'ENOENT';
      return new UserError(
        `cannot connect to host ${this.options.host} with \`${command}\`: ${missing ? `${argv[0]} is not installed` : spawnError.message}`,
        this.transport.hint,
      );
    }
    const tail = stderrTail.trim().split('\n').slice(-6).join('\n');
    return new UserError(
      `cannot start a shell on host ${this.options.host} with \`${command}\`: ${tail || 'the connection ended without a message'}`,
      this.transport.hint,
    );
  }

  async stopStep(scriptGroup: number | undefined, spared: ReadonlySet<number>, graceMs: number): Promise<void> {
    await this.control('stop-step', [this.shellPid, graceMs, scriptGroup ?? 0, ...spared], graceMs);
  }

  /** The supervisor finds what steps left running by the mark they inherit: nothing to remember. */
  keepsLeftover(): boolean {
    return false;
  }

  /** Ends the connection: the supervisor then stops the shell and everything it started. */
  killShell(): void {
    if (this.shell?.pid) signalGroup(this.shell.pid, 'SIGKILL');
  }

  followBackground(group: number, fifo: string, nonce: string, onOutput: (chunk: Buffer) => void): BackgroundJob {
    const reader = this.helper(remoteControlArgv(this.runtimeDir, 'follow', [fifo]), 'pipe');
    const stream = new PassThrough();
    reader.stdout?.pipe(stream, { end: false });
    let errors = '';
    reader.stderr?.on('data', (chunk: Buffer) => {
      errors = (errors + chunk.toString()).slice(-2000);
    });
    const end = (code: number | null) => {
      // A reader that failed (the connection is gone) says why, where the step's output goes.
      if (code !== 0 && code !== null && errors.trim()) stream.write(`alts-tutor: cannot read the output of the job: ${errors.trim()}\n`);
      stream.end();
    };
    reader.once('close', end);
    reader.once('error', () => end(null));
    const output = {
      stream,
      stop: (graceMs: number) => this.control('stop-job', [group, graceMs, fifo], graceMs),
      close: () => {
        reader.stdout?.unpipe(stream);
        if (reader.pid) signalGroup(reader.pid, 'SIGKILL');
        stream.end();
      },
    };
    return followBackground(group, output, nonce, onOutput);
  }

  /** What steps left running, the supervisor stops when the shell's input ends; helpers finish first. */
  async stopLeftovers(): Promise<void> {
    await Promise.all(this.controls);
  }

  /** Ends the connection and every helper: the supervisor then stops everything on the host. */
  killNow(): void {
    this.killHelpers();
    this.killShell();
  }

  dispose(): void {
    this.killHelpers();
    rmSync(this.controlDir, { recursive: true, force: true });
  }

  private killHelpers(): void {
    for (const helper of this.helpers) if (helper.pid) signalGroup(helper.pid, 'SIGKILL');
  }

  /** Runs a control operation on the host and waits for its end (or gives up on a stuck connection). */
  private control(operation: string, args: readonly (string | number)[], graceMs: number): Promise<void> {
    const child = this.helper(remoteControlArgv(this.runtimeDir, operation, args), 'ignore');
    const finished = new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        if (child.pid) signalGroup(child.pid, 'SIGKILL');
      }, graceMs + HELPER_SLACK_MS);
      const done = () => {
        clearTimeout(timer);
        this.controls.delete(finished);
        resolve();
      };
      child.once('close', done);
      child.once('error', done);
    });
    this.controls.add(finished);
    return finished;
  }

  private helper(argv: readonly string[], stdout: 'pipe' | 'ignore'): ChildProcess {
    const [program = 'ssh', ...args] = this.transport.sideCommand(argv);
    const child = spawn(program, args, { cwd: this.options.cwd, env: this.options.env, stdio: ['ignore', stdout, 'pipe'], detached: true });
    this.helpers.add(child);
    child.once('close', () => this.helpers.delete(child));
    child.once('error', () => this.helpers.delete(child));
    // Drained, so that a chatty helper never blocks on a full pipe.
    if (stdout === 'ignore') child.stderr?.resume();
    return child;
  }
}
