import { UserError } from '../errors.js';
import type { HostSpec } from '../format/tutorial.js';
import { type GcePlace, gceTransport, resolveGcePlace } from './gce-transport.js';
import { kubectlTransport } from './kubectl-transport.js';
import { ShellSession } from './shell-session.js';
import { sshTransport } from './ssh-transport.js';

/** The local lab of a run, as hosts see it: how to start a shell inside a lab host. */
export interface LabHosts {
  /** The command that starts bash inside lab host `host` (set up first if need be). */
  shellCommand(host: string, namespace: string): Promise<readonly string[]>;
}

export interface HostContext {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Present when the run's target has lab hosts. */
  lab?: LabHosts;
  /** Waits until a VM can take a connection (RUNNING, sshd answering) before its shell starts. */
  waitForVm?: (instance: string, place: GcePlace) => Promise<void>;
  /** The run's variables (not the secret ones): a gce host takes its `ZONE` and `PROJECT_ID` from them. */
  variables?: Readonly<Record<string, string>>;
}

/** Starts the persistent shell of a host. */
export async function openHost(name: string, written: HostSpec, context: HostContext): Promise<ShellSession> {
  const base = { host: name, cwd: context.cwd, env: context.env };
  const spec = expandHostSpec(name, written, context.variables ?? {});
  switch (spec.kind) {
    case 'local':
      return ShellSession.start(base);
    case 'netns': {
      if (!context.lab) throw new Error(`BUG: host ${name} is a lab host but the run has no lab`);
      const command = await context.lab.shellCommand(name, spec.namespace);
      return ShellSession.start({ ...base, command });
    }
    case 'ssh':
      return ShellSession.start({ ...base, remote: sshTransport(name, spec.destination, context.env.ALTS_TUTOR_SSH_CONFIG) });
    case 'gce': {
      const place = await resolveGcePlace(name, spec.instance, context.variables ?? {}, context.env);
      await context.waitForVm?.(spec.instance, place);
      return ShellSession.start({ ...base, remote: gceTransport(name, spec.instance, place) });
    }
    case 'kubectl':
      return ShellSession.start({ ...base, remote: kubectlTransport(name, spec.selector) });
  }
}

/**
 * A host's address may name the run's variables (`ssh: "$ROUTER_SSH"`): they are replaced here,
 * as data for an argument list, never as shell text.
 */
export function expandHostSpec(name: string, spec: HostSpec, variables: Readonly<Record<string, string>>): HostSpec {
  const expand = (value: string) =>
    value.replace(/\$(?:\{([A-Za-z_]\w*)\}|([A-Za-z_]\w*))/g, (_, braced: string | undefined, bare: string | undefined) => {
      const variable = (braced ?? bare) as string;
      const found = variables[variable];
      if (found === undefined)
        throw new UserError(`host ${name} needs $${variable}, which has no value`, `give it with --var ${variable}=…`);
      return found;
    });
  switch (spec.kind) {
    case 'ssh':
      return { kind: 'ssh', destination: expand(spec.destination) };
    case 'gce':
      return { kind: 'gce', instance: expand(spec.instance) };
    case 'kubectl':
      return { kind: 'kubectl', selector: expand(spec.selector) };
    default:
      return spec;
  }
}
