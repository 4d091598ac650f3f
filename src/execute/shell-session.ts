import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { posix } from 'node:path';
import { UserError } from '../errors.js';
import type { BackgroundJob } from './background-job.js';
import type { HostLink, ShellOptions } from './host-link.js';
import { LocalHostLink } from './local-host-link.js';
import { MarkerScanner } from './marker-scanner.js';
import { graceTimer } from './process-groups.js';
import { RemoteHostLink } from './remote-host-link.js';
import { quoteShell, shellPrelude } from './shell-prelude.js';

export type { ShellOptions } from './host-link.js';

export interface StepRequest {
  /** `command`: a transcript line run in the shell itself; `script`: a block run with errexit. */
  kind: 'command' | 'script';
  body: string;
  /** A script's variables and directory are kept only when it exits with this status. */
  expectedExit: number;
  /** Absolute directory for this step only. */
  cwd?: string;
  timeoutMs: number;
  onOutput(chunk: Buffer): void;
}

export interface StepOutcome {
  /** Exit status as bash reports it (128+N when killed by signal N). */
  exitCode: number;
  timedOut: boolean;
  interrupted: boolean;
  /** For scripts: the line (1-based, in the script) of the command that failed. */
  errorLine?: number;
  /** The shell itself ended (the step ran `exit`, or it had to be killed): its state is gone. */
  shellLost: boolean;
  durationMs: number;
}

interface Pending {
  id: number;
  onOutput(chunk: Buffer): void;
  onMarker(fields: string[]): void;
  done(status: number | undefined): void;
}

/** How long a killed step's shell gets to answer before the shell itself is killed. */
const KILL_GRACE_MS = 2000;
/** How long the output of a shell that exited may take to drain once the shell is gone. */
const EXIT_DRAIN_MS = 200;

/**
 * One long-lived bash for a host: every step of the host runs in it, so shell variables,
 * functions and the working directory carry from step to step (see `shellPrelude`).
 * One request runs at a time; background jobs run beside them. Where the bash runs (this
 * machine, or a host over ssh, gcloud or kubectl) is the business of its `HostLink`.
 */
export class ShellSession {
  private readonly nonce = randomBytes(8).toString('hex');
  private readonly scanner = new MarkerScanner(this.nonce);
  private readonly link: HostLink;
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly background = new Map<number, BackgroundJob>();
  /** Process groups that steps left running with `&`: stopped when the session closes. */
  private readonly leftovers = new Set<number>();
  private pending: Pending | undefined;
  private nextId = 1;
  private lastJob = '';
  private stderrTail = '';
  private exited = false;
  /** The shell's pid ($$ in its ready marker), when it is a process of this machine. */
  private shellPid: number | undefined;
  /** The shell's own exit status once it ended (a step ran `exit 3`). */
  private shellExitCode: number | undefined;
  private interruptRequested = false;
  private readonly exitPromise: Promise<void>;

  private constructor(readonly options: ShellOptions) {
    this.link = options.remote ? new RemoteHostLink(options, options.remote) : new LocalHostLink(options);
    this.child = this.link.spawnShell();
    this.exitPromise = new Promise((resolve) => {
      this.child.on('close', (code) => {
        this.exited = true;
        this.shellExitCode = code ?? undefined;
        this.pending?.done(undefined);
        resolve();
      });
    });
    this.child.on('exit', () => {
      // A job a step left running (`sleep 60 &`) holds the shell's stdout open, so 'close' would
      // wait for that job to end: once the shell is gone, take what it wrote, then stop reading.
      setTimeout(() => {
        this.child.stdout.destroy();
        this.child.stderr.destroy();
      }, EXIT_DRAIN_MS).unref();
    });
    this.child.stdout.on('data', (chunk: Buffer) => this.receive(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => {
      this.stderrTail = (this.stderrTail + chunk.toString()).slice(-4000);
    });
    this.child.stdin.on('error', () => {
      // The shell is gone; the 'close' handler reports it.
    });
  }

  /** Starts bash for a host and waits until it is ready for steps. */
  static async start(options: ShellOptions): Promise<ShellSession> {
    const session = new ShellSession(options);
    const { link } = session;
    const failed = new Promise<never>((_, reject) => {
      session.child.once('error', (spawnError) => reject(link.startFailure({ spawnError, stderrTail: session.stderrTail })));
    });
    const ready = new Promise<void>((resolve, reject) => {
      session.pending = {
        id: 0,
        onOutput: () => {},
        onMarker: (fields) => {
          if (fields[0] !== 'ready') return;
          link.attach(fields);
          if (!options.remote) session.shellPid = Number(fields[1]);
          resolve();
        },
        done: () => reject(link.startFailure({ stderrTail: session.stderrTail })),
      };
    });
    session.child.stdin.write(shellPrelude(session.nonce, link.place));
    try {
      await Promise.race([ready, failed]);
    } catch (error) {
      await session.exitPromise;
      link.dispose();
      throw error;
    }
    session.pending = undefined;
    return session;
  }

  /** The shell's pid when it runs on this machine (a local or lab host): /proc tells about its processes. */
  get localPid(): number | undefined {
    return this.shellPid;
  }

  get alive(): boolean {
    return !this.exited;
  }

  /** Runs one step to its end, streaming its output (stdout and stderr, in order). */
  async run(request: StepRequest): Promise<StepOutcome> {
    const started = performance.now();
    const id = this.nextId++;
    let errorLine: number | undefined;
    let scriptGroup: number | undefined;
    let timedOut = false;
    let jobMarker = '';
    const framing =
      request.kind === 'script'
        ? // Not in an && list: that would switch errexit off inside the step.
          readBody(
            `__alts_script ${id} ${quoteShell(request.cwd ?? '')}; [[ $__alts_status == ${request.expectedExit} ]] && . "$__alts_dir/state"; : >| "$__alts_dir/state"; __alts_mark end ${id} "$__alts_status"`,
          )
        : commandFraming(id, request.cwd);
    const status = await this.request(id, request.body, framing, {
      onOutput: request.onOutput,
      onMarker: (fields) => {
        if (fields[0] === 'err') errorLine = Number(fields[1]);
        if (fields[0] === 'pgid') scriptGroup = Number(fields[1]);
        if (fields[0] === 'end') jobMarker = fields[3] ?? '';
      },
      timeoutMs: request.timeoutMs,
      onTimeout: () => {
        timedOut = true;
        this.killCurrentStep(scriptGroup);
      },
    });
    this.noteLeftoverJob(request.kind === 'script' ? scriptGroup : undefined, jobMarker);
    return {
      exitCode: status ?? this.shellExitCode ?? 255,
      timedOut,
      interrupted: this.interruptRequested,
      shellLost: status === undefined,
      durationMs: performance.now() - started,
      ...(errorLine !== undefined && { errorLine }),
    };
  }

  /** Stops the running step (Ctrl-C): its process groups get SIGTERM, then SIGKILL. */
  interrupt(): void {
    if (!this.pending) return;
    this.interruptRequested = true;
    this.killCurrentStep(undefined);
  }

  /** Runs `body` in a subshell and returns what it printed on stdout (a `$(…)` default). */
  async capture(body: string, timeoutMs = 60_000): Promise<{ exitCode: number; stdout: string }> {
    const id = this.nextId++;
    const chunks: Buffer[] = [];
    const status = await this.request(id, body, endsWithStatus(id, '( eval "$__alts_body" ) <&9 2>/dev/null'), {
      onOutput: (chunk) => chunks.push(chunk),
      onMarker: () => {},
      timeoutMs,
      onTimeout: () => this.killCurrentStep(undefined),
    });
    return { exitCode: status ?? 255, stdout: Buffer.concat(chunks).toString('utf8') };
  }

  /**
   * Exports a variable in the shell. The value travels as data read by `read`, never as shell
   * text, so it cannot inject code; a secret is also left out of state dumps.
   */
  async setVariable(name: string, value: string, secret: boolean): Promise<void> {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new UserError(`invalid variable name "${name}"`);
    const id = this.nextId++;
    const mark = secret ? `__alts_secret[${name}]=1; ` : '';
    await this.request(id, value, readBody(`${mark}export ${name}="$__alts_body"; __alts_body=; __alts_mark end ${id} 0`), {
      onOutput: () => {},
      onMarker: () => {},
      timeoutMs: 10_000,
      onTimeout: () => {},
    });
  }

  /** Starts a background step in its own process group; its output streams to `onOutput`. */
  async startBackground(body: string, cwd: string | undefined, onOutput: (chunk: Buffer) => void): Promise<BackgroundJob> {
    const id = this.nextId++;
    const fifo = posix.join(this.link.runtimeDir, `bg-${id}`);
    let group: number | undefined;
    const status = await this.request(
      id,
      body,
      readBody(`__alts_background ${id} ${quoteShell(fifo)} ${quoteShell(cwd ?? '')}; __alts_mark end ${id} "$__alts_status"`),
      {
        onOutput: () => {},
        onMarker: (fields) => {
          if (fields[0] === 'bg') group = Number(fields[2]);
        },
        timeoutMs: 10_000,
        onTimeout: () => {},
      },
    );
    if (status !== 0 || group === undefined) {
      throw new UserError(`cannot start a background step on host ${this.options.host}: ${this.stderrTail.trim()}`);
    }
    const job = this.link.followBackground(group, fifo, this.nonce, onOutput);
    this.background.set(group, job);
    return job;
  }

  /**
   * The shell's state as bash that recreates it: the variables that differ from the environment
   * it started with (secrets and copies of them left out), functions and the directory. Undefined
   * when it could not be captured whole.
   */
  async captureState(): Promise<string | undefined> {
    const id = this.nextId++;
    const printed: Buffer[] = [];
    let stateBytes: number | undefined;
    const status = await this.request(id, '', endsWithStatus(id, '__alts_capture'), {
      onOutput: (chunk) => printed.push(chunk),
      onMarker: (fields) => {
        if (fields[0] === 'state') stateBytes = Number(fields[1]);
      },
      timeoutMs: 10_000,
      onTimeout: () => {},
    });
    if (status !== 0) return undefined;
    return this.link.readState(printed, stateBytes);
  }

  /** Recreates a state `captureState` returned (at top level, so `declare` stays global). */
  async restoreState(state: string): Promise<void> {
    const id = this.nextId++;
    await this.request(id, state, readBody(`eval "$__alts_body" </dev/null 2>/dev/null || :; __alts_body=; __alts_mark end ${id} 0`), {
      onOutput: () => {},
      onMarker: () => {},
      timeoutMs: 10_000,
      onTimeout: () => {},
    });
  }

  /** SIGKILL to every process group this shell started and to the shell: no waiting. */
  killNow(): void {
    this.link.killNow([...this.background.keys(), ...this.leftovers], this.exited);
  }

  /** Stops background jobs and anything steps left running, then ends the shell. */
  async close(): Promise<void> {
    await Promise.all([...this.background.values()].map((job) => job.stop()));
    await this.link.stopLeftovers(this.leftovers, this.exited, KILL_GRACE_MS);
    if (!this.exited) {
      this.child.stdin.end();
      const ended = await Promise.race([this.exitPromise.then(() => true), graceTimer(this.link.closeGraceMs).then(() => false)]);
      if (!ended) this.link.killShell();
      await this.exitPromise;
    }
    this.link.dispose();
  }

  private request(
    id: number,
    payload: string,
    framing: Framing,
    handlers: {
      onOutput(chunk: Buffer): void;
      onMarker(fields: string[]): void;
      timeoutMs: number;
      onTimeout(): void;
    },
  ): Promise<number | undefined> {
    if (this.pending) throw new Error('BUG: a shell session runs one request at a time');
    if (payload.includes('\0')) throw new UserError('a step or value cannot contain a NUL byte');
    if (this.exited) return Promise.resolve(undefined);
    this.interruptRequested = false;
    return new Promise((resolve) => {
      const timer = setTimeout(handlers.onTimeout, handlers.timeoutMs);
      this.pending = {
        id,
        onOutput: handlers.onOutput,
        onMarker: handlers.onMarker,
        done: (status) => {
          clearTimeout(timer);
          this.pending = undefined;
          resolve(status);
        },
      };
      this.child.stdin.write(`${framing.head}\n${payload}\0${framing.tail}\n`);
    });
  }

  private receive(chunk: Buffer): void {
    for (const event of this.scanner.push(chunk)) {
      const pending = this.pending;
      if (!pending) continue;
      if (event.type === 'output') {
        pending.onOutput(event.data);
        continue;
      }
      pending.onMarker(event.fields);
      if (event.fields[0] === 'end' && Number(event.fields[1]) === pending.id) {
        pending.done(Number(event.fields[2]));
      }
    }
  }

  /**
   * Kills the running step: every process group the shell has started, other than background
   * steps and jobs earlier steps left running. If the shell itself is stuck (a loop of builtins),
   * it is killed after a grace period and the step reports a lost shell.
   */
  private killCurrentStep(scriptGroup: number | undefined): void {
    const spared = new Set([...this.background.keys(), ...this.leftovers]);
    const pending = this.pending;
    void this.link.stopStep(scriptGroup, spared, KILL_GRACE_MS).then(() => {
      if (this.pending !== pending || this.exited) return;
      const timer = setTimeout(() => {
        if (this.pending === pending && !this.exited) this.link.killShell();
      }, KILL_GRACE_MS);
      timer.unref();
    });
  }

  /** Remembers jobs a step started with `&`, so that closing the session stops them. */
  private noteLeftoverJob(scriptGroup: number | undefined, jobMarker: string): void {
    if (scriptGroup !== undefined && this.link.keepsLeftover(scriptGroup)) this.leftovers.add(scriptGroup);
    if (jobMarker !== '' && jobMarker !== this.lastJob) {
      this.lastJob = jobMarker;
      this.leftovers.add(Number(jobMarker));
    }
  }
}

/** Framing of a transcript command: the prelude's alias, or a spelled-out form with a directory. */
function commandFraming(id: number, cwd: string | undefined): Framing {
  if (cwd === undefined) return { head: `__alts_command ${id}`, tail: '' };
  return readBody(
    `__alts_here=$PWD; { cd -- ${quoteShell(cwd)} && eval "$__alts_body"; } <&9 2>&1; __alts_status=$? __alts_job=\${!-}; cd -- "$__alts_here"; __alts_end ${id}`,
  );
}

/**
 * The usual framing: read the payload into $__alts_body, then run `tail`. Every tail keeps a
 * failure out of errexit (`|| …`): a console step may have run `set -e` in the shell itself.
 */
function readBody(tail: string): Framing {
  return { head: `IFS= TMOUT= builtin read -r -d '' __alts_body`, tail };
}

/** Runs `command` and ends request `id` with its status, outside errexit (see `readBody`). */
function endsWithStatus(id: number, command: string): Framing {
  return readBody(`__alts_status=0; ${command} || __alts_status=$?; __alts_mark end ${id} "$__alts_status"`);
}

interface Framing {
  /** Shell text before the payload: it must read the payload up to its NUL. */
  head: string;
  /** Shell text after the payload. */
  tail: string;
}

export type { BackgroundJob } from './background-job.js';
