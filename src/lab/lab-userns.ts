import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { sleep } from '../execute/process-groups.js';
import { dyingWithRunner } from '../execute/shell-supervisor.js';
import { type LabBackend, type RemovedLab, runSetupCommand } from './lab-backend.js';
import type { LabLayout } from './lab-layout.js';
import { labIdsIn } from './lab-names.js';
import { killNow, namespaceIdentity, processesIn } from './lab-processes.js';
import { type LabRegistry, type ProcessStamp, stampOf, stillRunning } from './lab-registry.js';
import { labHostCommand } from './lab-shell.js';

/**
 * An ordinary user's lab, where the kernel lets users make user namespaces: one user namespace
 * in which this user is root holds every network namespace of the lab. `ip netns` needs root's
 * /run/netns, so each network namespace is held by a process instead (a "pin", `sleep
 * infinity`), entered with `nsenter`; /etc/hosts is bound inside each host's own mount namespace.
 * Removing the lab is killing every process of its user namespace.
 */
export class UsernsBackend implements LabBackend {
  /** Namespace name → the process that holds it; the first holds the user namespace too. */
  private readonly pins = new Map<string, ProcessStamp>();
  private readonly hostsFile: string;

  constructor(
    readonly id: string,
    private readonly registry: LabRegistry,
    /** The lab's files (the hosts file). */
    private readonly dir: string,
  ) {
    this.hostsFile = join(dir, 'hosts');
  }

  static create(prefix: string, registry: LabRegistry, dir: string): UsernsBackend {
    return new UsernsBackend(
      registry.claim(prefix, () => false),
      registry,
      dir,
    );
  }

  async build(layout: LabLayout): Promise<void> {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    writeFileSync(this.hostsFile, layout.hostsFile, { mode: 0o644 });
    for (const args of layout.commands) {
      if (args[0] === 'netns' && args[1] === 'add') {
        await this.pin(args[2] as string);
        continue;
      }
      // `-n NS …` is the command inside NS; `netns NS` in it names a namespace by its pin's pid.
      const [, ns, ...rest] = args;
      const translated = rest.map((word, index) => (rest[index - 1] === 'netns' ? String(this.pinOf(word).pid) : word));
      await runSetupCommand([...this.enter(ns as string), 'ip', ...translated], ['ip', ...args]);
    }
  }

  hostCommand(ns: string, host: string, program: readonly string[]): string[] {
    return labHostCommand({ enter: this.enter(ns), unshareMounts: true, host, hostsFile: this.hostsFile, program });
  }

  plainCommand(ns: string, program: readonly string[]): string[] {
    return [...this.enter(ns), ...program];
  }

  /**
   * The shells of the lab and all they started, but not the pins: they stay until `removeNow`,
   * for without a pin still running this lab's user namespace could no longer be found.
   */
  processes(): number[] {
    const pins = new Set([...this.pins.values()].map((pin) => pin.pid));
    return this.everyProcess().filter((pid) => !pins.has(pid));
  }

  removeNow(): RemovedLab {
    const pids = this.everyProcess();
    killNow(pids);
    this.registry.remove(this.id);
    return { id: this.id, namespaces: [...this.pins.keys()], processes: pids.length };
  }

  /** Every process in the lab's user namespace: the pins, the shells and all they started. */
  private everyProcess(): number[] {
    // Every pin is in the one user namespace: any pin still running leads to it.
    const pin = [...this.pins.values()].find(stillRunning);
    return pin ? processesInUserNamespaceOf(pin.pid) : [];
  }

  private enter(ns: string): string[] {
    return ['nsenter', '--target', String(this.pinOf(ns).pid), '--user', '--net', '--preserve-credentials', '--'];
  }

  private pinOf(ns: string): ProcessStamp {
    const pin = this.pins.get(ns);
    if (!pin) throw new Error(`BUG: lab namespace ${ns} is used before it is made`);
    return pin;
  }

  /** Starts the process that holds namespace `ns`, and waits until it is in it. */
  private async pin(ns: string): Promise<void> {
    const [holder] = this.pins.values();
    const command = holder
      ? ['nsenter', '--target', String(holder.pid), '--user', '--preserve-credentials', '--', 'unshare', '--net', '--', 'sleep', 'infinity']
      : ['unshare', '--user', '--map-root-user', '--net', '--', 'sleep', 'infinity'];
    const [program, ...args] = dyingWithRunner(command, process.env.PATH);
    // Its own process group: a Ctrl-C at the terminal reaches the runner, which removes the lab.
    const child = spawn(program as string, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    child.unref();
    let said = '';
    child.stderr.on('data', (chunk: Buffer) => {
      said += chunk;
    });
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    child.once('error', (error) => {
      exited = true;
      said ||= error.message;
    });
    const deadline = Date.now() + PIN_TIMEOUT_MS;
    for (;;) {
      const pid = child.pid ?? 0;
      const stamp = stampOf(pid);
      if (!exited && stamp && inNewNamespaces(pid, holder)) {
        child.stderr.destroy();
        this.pins.set(ns, stamp);
        if (!holder) this.registry.write(this.id, { ...(this.registry.read(this.id) ?? { owner: stamp }), holder: stamp });
        return;
      }
      const failed = `setting up the lab failed: ${command.join(' ')}`;
      if (exited) throw new UserError(`${failed}: ${said.trim() || 'it exited'}`);
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new UserError(`${failed}: it was not in its namespaces after ${PIN_TIMEOUT_MS / 1000} s`);
      }
      await sleep(10);
    }
  }
}

/** How long a pin may take to reach its namespaces: far more than it does (milliseconds). */
const PIN_TIMEOUT_MS = 10_000;

/**
 * The pin is where it is going: in a network namespace of its own, and in the lab's user
 * namespace (the holder's; for the holder, a new one whose uid map is written, or entering it
 * would find this user unmapped).
 */
function inNewNamespaces(pid: number, holder: ProcessStamp | undefined): boolean {
  const of = (who: number | 'self', kind: string) => namespaceIdentity(`/proc/${who}/ns/${kind}`);
  const net = of(pid, 'net');
  if (net === undefined || net === of('self', 'net') || (holder && net === of(holder.pid, 'net'))) return false;
  if (holder) return of(pid, 'user') === of(holder.pid, 'user');
  if (of(pid, 'user') === of('self', 'user')) return false;
  try {
    return readFileSync(`/proc/${pid}/uid_map`, 'utf8').trim() !== '';
  } catch {
    return false;
  }
}

/** This user's labs of runs that are gone: every process of their user namespace is killed. */
export function removeDeadUsernsLabs(prefix: string, registry: LabRegistry): RemovedLab[] {
  const ids = [
    ...labIdsIn(
      registry.ids().map((id) => `${id}-`),
      prefix,
    ),
  ].filter((id) => !registry.ownerAlive(id));
  return ids.map((id) => {
    const holder = registry.read(id)?.holder;
    const pids = holder && stillRunning(holder) ? processesInUserNamespaceOf(holder.pid) : [];
    killNow(pids);
    registry.remove(id);
    return { id, namespaces: [], processes: pids.length };
  });
}

function processesInUserNamespaceOf(pid: number): number[] {
  return processesIn('user', [`/proc/${pid}/ns/user`]);
}
