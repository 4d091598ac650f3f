import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { signalGroup, sleep, terminateGroups } from '../execute/process-groups.js';
import { dyingWithRunner } from '../execute/shell-supervisor.js';
import { METADATA_ADDRESS } from '../format/lab-topology.js';
import { PACKAGE_ROOT } from '../package-root.js';

/** The port of the ALTS handshaker service on GCP's metadata server. */
const HANDSHAKER_PORT = 8080;

/** The emulator as the build ships it; a missing build is the user's to fix. */
export function defaultHandshakerCommand(): string[] {
  const script = join(PACKAGE_ROOT, 'dist', 'lab', 'handshaker-main.js');
  if (!existsSync(script)) throw new UserError(`the ALTS handshaker emulator is missing: ${script}`, 'build it with npm run build');
  return [process.execPath, script];
}

export interface MetadataServerOptions {
  /** The program that runs the handshaker emulator, without its arguments. */
  command: readonly string[];
  /** Wraps a command so that it runs in the metadata host's namespace. */
  inNamespace(command: readonly string[]): string[];
  /** Source address → service account. */
  accounts: Record<string, string>;
  /** Where the accounts file and the log go (in the session's directory). */
  dir: string;
  env: NodeJS.ProcessEnv;
}

const READY = 'listening on';
/** Far more than the emulator takes to start (well under a second). */
const READY_TIMEOUT_MS = 15_000;

/**
 * The ALTS handshaker emulator, running in the metadata namespace: the address GCP's
 * handshaker service has. Its output goes to `handshaker.log` (each handshake is a line).
 */
export class MetadataServer {
  private constructor(private readonly child: ChildProcess) {}

  static async start(options: MetadataServerOptions): Promise<MetadataServer> {
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const accounts = join(options.dir, 'accounts.json');
    writeFileSync(accounts, `${JSON.stringify(options.accounts, null, 2)}\n`, { mode: 0o600 });
    const log = join(options.dir, 'handshaker.log');
    const listen = ['--listen', `${METADATA_ADDRESS}:${HANDSHAKER_PORT}`, '--accounts', accounts];
    const [program, ...args] = dyingWithRunner(options.inNamespace([...options.command, ...listen]), options.env.PATH);
    const fd = openSync(log, 'a', 0o600);
    // A resumed session appends to the same log: only what this start writes counts.
    const from = statSync(log).size;
    let child: ChildProcess;
    try {
      child = spawn(program as string, args, {
        env: options.env,
        stdio: ['ignore', fd, fd],
        // Its own group: a Ctrl-C at the terminal reaches the runner, which stops it at teardown.
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    const server = new MetadataServer(child);
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    child.once('error', () => {
      exited = true;
    });
    const deadline = Date.now() + READY_TIMEOUT_MS;
    for (;;) {
      const output = readFrom(log, from);
      if (output.includes(READY)) return server;
      if (exited || Date.now() > deadline) {
        server.killNow();
        const tail = output.trim().split('\n').slice(-5).join('\n  ');
        throw new UserError(
          `the ALTS handshaker emulator ${exited ? 'exited' : 'did not say it was listening'} in the lab's metadata host${tail ? `:\n  ${tail}` : ''}`,
          `its log: ${log}`,
        );
      }
      await sleep(50);
    }
  }

  /** SIGTERM, and SIGKILL after `graceMs` if it is still running. */
  async stop(graceMs: number): Promise<void> {
    if (this.child.pid !== undefined) await terminateGroups([this.child.pid], graceMs);
  }

  killNow(): void {
    if (this.child.pid !== undefined) signalGroup(this.child.pid, 'SIGKILL');
  }
}

function readFrom(file: string, offset: number): string {
  try {
    return readFileSync(file).subarray(offset).toString();
  } catch {
    return '';
  }
}
