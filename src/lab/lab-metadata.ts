import { type ChildProcess, spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { groupAlive, signalGroup, sleep } from '../execute/process-groups.js';
import { METADATA_ADDRESS } from '../format/lab-topology.js';
import { PACKAGE_ROOT } from '../package-root.js';
import { HANDSHAKER_PORT } from './lab-layout.js';

/** The emulator as the build ships it. */
export function defaultHandshakerCommand(): string[] {
  return [process.execPath, join(PACKAGE_ROOT, 'dist', 'lab', 'handshaker-main.js')];
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
  readyTimeoutMs?: number;
}

const READY = 'listening on';

/**
 * The ALTS handshaker emulator, running in the metadata namespace: the address GCP's
 * handshaker service has. Its output goes to `handshaker.log` (each handshake is a line).
 */
export class MetadataServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly log: string,
  ) {}

  static async start(options: MetadataServerOptions): Promise<MetadataServer> {
    const script = options.command.find((part) => part.endsWith('.js'));
    if (script && !existsSync(script)) {
      throw new UserError(`the ALTS handshaker emulator is missing: ${script}`, 'build it with npm run build');
    }
    mkdirSync(options.dir, { recursive: true, mode: 0o700 });
    const accounts = join(options.dir, 'accounts.json');
    writeFileSync(accounts, `${JSON.stringify(options.accounts, null, 2)}\n`, { mode: 0o600 });
    const log = join(options.dir, 'handshaker.log');
    const fd = openSync(log, 'a', 0o600);
    // A resumed session appends to the same log: only what this start writes counts.
    const from = statSync(log).size;
    const listen = ['--listen', `${METADATA_ADDRESS}:${HANDSHAKER_PORT}`, '--accounts', accounts];
    const [program, ...args] = options.inNamespace([...options.command, ...listen]);
    const child = spawn(program as string, args, {
      env: options.env,
      stdio: ['ignore', fd, fd],
      // Its own group: a Ctrl-C at the terminal reaches the runner, which stops it at teardown.
      detached: true,
    });
    closeSync(fd);
    const server = new MetadataServer(child, log);
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    child.once('error', () => {
      exited = true;
    });
    const deadline = Date.now() + (options.readyTimeoutMs ?? 15_000);
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

  async stop(graceMs = 2000): Promise<void> {
    const group = this.child.pid;
    if (group === undefined || !signalGroup(group, 'SIGTERM')) return;
    const deadline = Date.now() + graceMs;
    while (groupAlive(group) && Date.now() < deadline) await sleep(25);
    signalGroup(group, 'SIGKILL');
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
