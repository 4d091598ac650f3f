import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ipBatches, runIpBatch } from './ip-batches.js';
import type { LabBackend, RemovedLab } from './lab-backend.js';
import type { LabLayout } from './lab-layout.js';
import { ETC_NETNS_DIR, labIdsIn, labNamespaces, NETNS_DIR, namesIn } from './lab-names.js';
import { killNow, processesIn } from './lab-processes.js';
import type { LabRegistry } from './lab-registry.js';
import { labHostCommand } from './lab-shell.js';

/**
 * Root's lab: named namespaces (`ip netns`), which `ip netns list` shows and a person can enter
 * (`ip netns exec altslab-3f9a-client bash`), each with its /etc/netns/<ns>/hosts.
 */
export class NetnsBackend implements LabBackend {
  constructor(
    readonly id: string,
    private readonly registry: LabRegistry,
  ) {}

  /** Claims a new lab id in root's registry. */
  static create(prefix: string, registry: LabRegistry): NetnsBackend {
    return new NetnsBackend(registry.claim(prefix, namesTaken), registry);
  }

  async build(layout: LabLayout): Promise<void> {
    // The hosts files first: nothing ever runs in a namespace without its own.
    for (const ns of layout.namespaces) {
      const dir = join(ETC_NETNS_DIR, ns);
      mkdirSync(dir, { recursive: true, mode: 0o755 });
      writeFileSync(join(dir, 'hosts'), layout.hostsFile, { mode: 0o644 });
    }
    // One `ip -batch` per namespace rather than one `ip` per command (19 for two hosts): the
    // machine's first (`netns add`), then the switch's (it makes every veth), then the others at once.
    const { machine, namespaces } = ipBatches(layout.commands);
    await runIpBatch(machine);
    const [first, ...rest] = namespaces;
    if (first) await runIpBatch(first);
    const settled = await Promise.allSettled(rest.map(runIpBatch));
    const failed = settled.find((outcome) => outcome.status === 'rejected');
    if (failed) throw failed.reason;
  }

  hostCommand(ns: string, host: string, program: readonly string[]): string[] {
    // `ip netns exec` binds the /etc/netns files and gives a mount namespace with a fresh /sys.
    return labHostCommand({ enter: ['ip', 'netns', 'exec', ns], unshareMounts: false, host, program });
  }

  plainCommand(ns: string, program: readonly string[]): string[] {
    return ['ip', 'netns', 'exec', ns, ...program];
  }

  processes(): number[] {
    return processesOfLab(labNamespaces(this.id));
  }

  removeNow(): RemovedLab {
    return removeNetnsLab(this.id, this.registry);
  }
}

/**
 * Removes root's lab `id` now: kills every process in its namespaces (a namespace lives on
 * while a process is in it, and its veths with it), deletes the namespaces, their /etc/netns
 * directories and the owner record.
 */
export function removeNetnsLab(id: string, registry: LabRegistry): RemovedLab {
  const namespaces = labNamespaces(id);
  const pids = processesOfLab(namespaces);
  killNow(pids);
  // A namespace another cleanup deleted meanwhile is no error: `-force` goes on past its line.
  const input = namespaces.map((ns) => `netns delete ${ns}\n`).join('');
  spawnSync('ip', ['-force', '-batch', '-'], { input, stdio: ['pipe', 'ignore', 'ignore'] });
  for (const name of namesIn(ETC_NETNS_DIR)) {
    if (name.startsWith(`${id}-`)) rmSync(join(ETC_NETNS_DIR, name), { recursive: true, force: true });
  }
  registry.remove(id);
  return { id, namespaces, processes: pids.length };
}

/** Root's labs of runs that are gone, by the names of their namespaces, /etc/netns directories and records. */
export function removeDeadNetnsLabs(prefix: string, registry: LabRegistry): RemovedLab[] {
  const ids = labIdsIn([...namesIn(NETNS_DIR), ...namesIn(ETC_NETNS_DIR), ...registry.ids().map((id) => `${id}-`)], prefix);
  return [...ids].filter((id) => !registry.ownerAlive(id)).map((id) => removeNetnsLab(id, registry));
}

/** The processes in these named namespaces. */
function processesOfLab(namespaces: string[]): number[] {
  return processesIn(
    'net',
    namespaces.map((ns) => join(NETNS_DIR, ns)),
  );
}

/** Names a crash left with this id are not reused before they are removed. */
function namesTaken(id: string): boolean {
  return [...namesIn(NETNS_DIR), ...namesIn(ETC_NETNS_DIR)].some((name) => name.startsWith(`${id}-`));
}
