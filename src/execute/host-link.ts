import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import type { BackgroundJob } from './background-job.js';
import type { RemoteTransport } from './remote-transport.js';
import type { ShellPlace } from './shell-prelude.js';

export interface ShellOptions {
  /** Host name, for messages. */
  host: string;
  /** Where a local shell starts, and the directory of the processes that reach a remote one. */
  cwd: string;
  /** Environment of a local shell, and of the processes that reach a remote one (ssh, gcloud, kubectl). */
  env: NodeJS.ProcessEnv;
  /**
   * The command that starts the host's bash, for hosts whose shell is a process of this machine
   * (a lab host: `ip netns exec NS … bash`). It must end by exec'ing bash, so that the process
   * started is the shell itself. Default: `bash --noprofile --norc`.
   */
  command?: readonly string[];
  /**
   * For a host reached over a connection (ssh, gce, kubectl): makes the transport, given a
   * private directory of this machine for its control socket. The shell then runs there, in its
   * login directory; variables reach it with `setVariable`, not through `env`.
   */
  remote?: (controlDir: string) => RemoteTransport;
}

/**
 * How a `ShellSession` reaches its bash and the processes steps start there: a process of this
 * machine (`LocalHostLink`), or a shell on another host over one connection (`RemoteHostLink`).
 * The session speaks the same protocol to both (see `shellPrelude`); the link does what depends
 * on where the shell runs: starting it, reading a captured state, stopping process groups.
 */
export interface HostLink {
  /** Where the shell keeps its files, as the prelude needs to know. */
  readonly place: ShellPlace;
  /** How long the shell may take to end once its input is closed, before it is killed. */
  readonly closeGraceMs: number;
  /** The shell's private directory, in the shell's file system (known once the shell is ready). */
  readonly runtimeDir: string;
  /** Starts the process whose stdin and stdout are the shell's. */
  spawnShell(): ChildProcessWithoutNullStreams;
  /** The shell is ready: the fields of its `ready` marker (its pid, its private directory). */
  attach(fields: readonly string[]): void;
  /**
   * The state a capture produced, given what the capture printed and the size the shell gave for
   * it; undefined when the state cannot be trusted (more was printed than the state).
   */
  readState(printed: readonly Buffer[], stateBytes: number | undefined): string | undefined;
  /** The error for a shell that could not be started, or ended before it was ready. */
  startFailure(cause: { spawnError?: Error; stderrTail: string }): Error;
  /**
   * Stops the running step: SIGTERM to the process groups of the shell's children and to
   * `scriptGroup`, except `spared`; SIGKILL to what is left after `graceMs`.
   */
  stopStep(scriptGroup: number | undefined, spared: ReadonlySet<number>, graceMs: number): Promise<void>;
  /** Whether a group a script step left behind (`cmd &`) must be remembered, to be stopped at the end. */
  keepsLeftover(group: number): boolean;
  /** Kills the shell now (it is stuck); the session then reports it lost. */
  killShell(): void;
  /** Follows a background job whose output goes to the FIFO `fifo` of the shell's host. */
  followBackground(group: number, fifo: string, nonce: string, onOutput: (chunk: Buffer) => void): BackgroundJob;
  /** Before the shell's input is closed: stops what steps left running (`leftovers` and the shell's children). */
  stopLeftovers(leftovers: ReadonlySet<number>, shellExited: boolean, graceMs: number): Promise<void>;
  /** SIGKILL to everything, at once: the runner is about to exit. */
  killNow(groups: Iterable<number>, shellExited: boolean): void;
  /** After the shell ended: removes this machine's files of the link. */
  dispose(): void;
}
