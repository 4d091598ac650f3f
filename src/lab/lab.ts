import { UserError } from '../errors.js';
import type { LabHosts } from '../execute/open-host.js';
import type { LabTopology } from '../format/tutorial.js';
import type { LabBackend } from './lab-backend.js';
import { type LabLayout, layOutLab } from './lab-layout.js';
import { removeDeadLabs } from './lab-leftovers.js';
import { defaultHandshakerCommand, MetadataServer } from './lab-metadata.js';
import { hostNamespace } from './lab-names.js';
import { NetnsBackend } from './lab-netns.js';
import { terminate } from './lab-processes.js';
import { LabRegistry } from './lab-registry.js';
import { LAB_SHELL } from './lab-shell.js';
import { type LabMode, labSupport } from './lab-support.js';
import { UsernsBackend } from './lab-userns.js';

export interface LabOptions {
  topology: LabTopology;
  /** Start of every name the lab makes (`altslab-`); see `labPrefix`. */
  prefix: string;
  /** The lab's files: the hosts file, the handshaker's accounts and log (in the session's directory). */
  dir: string;
  env: NodeJS.ProcessEnv;
  /** The program that runs the ALTS handshaker emulator; default: the one the build ships. */
  handshaker?: readonly string[];
}

/** How long the lab's processes get to end after SIGTERM at teardown. */
const GRACE_MS = 2000;

/**
 * The local lab of one run (SPEC section 7): its hosts as network namespaces on this machine.
 * Set up when a step first needs a lab host, after removing what dead runs left behind; torn
 * down by `tearDown` at the end of the run, or by `tearDownNow` when the runner must exit at once.
 */
export class Lab implements LabHosts {
  private setup: Promise<LabLayout> | undefined;
  private backend: LabBackend | undefined;
  private metadataServer: MetadataServer | undefined;
  /** How the lab runs here: asked once (for an ordinary user it tries `unshare`). */
  private mode: LabMode | undefined;

  constructor(private readonly options: LabOptions) {}

  async shellCommand(host: string, namespace: string): Promise<readonly string[]> {
    const layout = await this.ready();
    if (layout.hostNamespaces.get(host) !== hostNamespace(layout.id, namespace)) {
      throw new Error(`BUG: ${host} (netns ${namespace}) is not a host of this lab`);
    }
    return this.commandIn(layout, host, LAB_SHELL);
  }

  /** The lab, set up on the first call. */
  ready(): Promise<LabLayout> {
    this.setup ??= this.setUp();
    return this.setup;
  }

  /** The command that runs `program` in lab host `host`, as its shell sees the host (tests start servers with it). */
  async hostCommand(host: string, program: readonly string[]): Promise<string[]> {
    return this.commandIn(await this.ready(), host, program);
  }

  /** How the lab will run here; throws, saying what is missing, when it cannot. */
  checkSupport(): LabMode {
    if (this.mode) return this.mode;
    const support = labSupport(this.options.env);
    if ('missing' in support) throw new UserError(support.missing, 'or choose a target that is not the lab (--target)');
    this.mode = support.mode;
    return support.mode;
  }

  private async setUp(): Promise<LabLayout> {
    const mode = this.checkSupport();
    const { prefix, env, dir, topology } = this.options;
    // Before anything is made: a missing emulator build must not cost a lab set-up and teardown.
    const handshaker = topology.metadata ? (this.options.handshaker ?? defaultHandshakerCommand()) : undefined;
    removeDeadLabs(prefix, env);
    const registry = LabRegistry.forThisUser(env);
    const backend = mode === 'netns' ? NetnsBackend.create(prefix, registry) : UsernsBackend.create(prefix, registry, dir);
    this.backend = backend;
    const layout = layOutLab(topology, backend.id);
    try {
      await backend.build(layout);
      const metadata = layout.metadata;
      if (metadata && handshaker) {
        this.metadataServer = await MetadataServer.start({
          command: handshaker,
          inNamespace: (command) => backend.plainCommand(metadata.namespace, command),
          accounts: metadata.accounts,
          dir,
          env,
        });
      }
    } catch (error) {
      this.tearDownNow();
      throw error;
    }
    return layout;
  }

  private commandIn(layout: LabLayout, host: string, program: readonly string[]): string[] {
    const ns = layout.hostNamespaces.get(host);
    if (!ns || !this.backend) throw new Error(`BUG: ${host} is not a host of this lab`);
    return this.backend.hostCommand(ns, host, program);
  }

  /** Stops the handshaker, then whatever else runs in the lab, and removes the lab. */
  async tearDown(): Promise<void> {
    if (!this.setup) return;
    await this.setup.catch(() => undefined);
    try {
      await this.metadataServer?.stop(GRACE_MS);
      if (this.backend) await terminate(this.backend.processes(), GRACE_MS);
    } finally {
      this.backend?.removeNow();
    }
  }

  /** Kills everything in the lab and removes it, synchronously: the runner exits right after. */
  tearDownNow(): void {
    this.metadataServer?.killNow();
    this.backend?.removeNow();
  }
}
