import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { labHostCommand } from '../../src/lab/lab-shell.js';
import { type LoggedProcess, startProcess } from './handshaker-helpers.js';

/**
 * A small lab for the handshaker tests: a metadata namespace with 169.254.169.254 and a bridge, and
 * a server and a client namespace plugged into it, each with /etc/netns/<ns>/hosts naming
 * metadata.google.internal and alts-server. Nothing is added to the test's own namespace.
 */

export const METADATA_IP = '169.254.169.254';

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

export class HandshakerLab {
  readonly metadata: string;
  readonly server: string;
  readonly client: string;
  readonly serverIp = '169.254.20.2';
  readonly clientIp = '169.254.20.3';
  readonly #processes: LoggedProcess[] = [];

  constructor(prefix: string) {
    this.metadata = `${prefix}-meta`;
    this.server = `${prefix}-srv`;
    this.client = `${prefix}-cli`;
  }

  create(): void {
    for (const ns of [this.metadata, this.server, this.client]) {
      ip('netns', 'add', ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    ip('-n', this.metadata, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', this.metadata, 'addr', 'add', `${METADATA_IP}/16`, 'dev', 'br0');
    ip('-n', this.metadata, 'link', 'set', 'br0', 'up');
    const hosts = `127.0.0.1 localhost\n${METADATA_IP} metadata.google.internal\n${this.serverIp} alts-server\n${this.clientIp} alts-client\n`;
    for (const [ns, address, port] of [
      [this.server, this.serverIp, 'vsrv'],
      [this.client, this.clientIp, 'vcli'],
    ] as const) {
      ip('-n', this.metadata, 'link', 'add', port, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns);
      ip('-n', this.metadata, 'link', 'set', port, 'master', 'br0', 'up');
      ip('-n', ns, 'addr', 'add', `${address}/16`, 'dev', 'eth0');
      ip('-n', ns, 'link', 'set', 'eth0', 'up');
      mkdirSync(`/etc/netns/${ns}`, { recursive: true });
      writeFileSync(`/etc/netns/${ns}/hosts`, hosts);
    }
  }

  /**
   * Starts `argv` in namespace `ns`; `gce` runs it as the lab runs a host's commands, behind its
   * DMI shim (grpc-go's ALTS runs only where /sys/class/dmi/id/product_name says Google).
   */
  start(ns: string, argv: string[], options: { gce?: boolean } = {}): LoggedProcess {
    const enter = ['ip', 'netns', 'exec', ns];
    const [program, ...args] = options.gce ? labHostCommand({ enter, unshareMounts: false, host: ns, program: argv }) : [...enter, ...argv];
    const process = startProcess(program as string, args);
    this.#processes.push(process);
    return process;
  }

  /** Stops what it started, then anything else left in its namespaces, and removes them. */
  async destroy(): Promise<void> {
    await Promise.all(this.#processes.map((process) => process.stop()));
    for (const ns of [this.client, this.server, this.metadata]) {
      const pids = spawnSync('ip', ['netns', 'pids', ns], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean);
      for (const pid of pids) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // Gone already.
        }
      }
      spawnSync('ip', ['netns', 'del', ns]);
      rmSync(`/etc/netns/${ns}`, { recursive: true, force: true });
    }
  }
}
